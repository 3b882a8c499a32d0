//! The only place that converts between LSP positions and byte offsets, in the negotiated encoding.
//!
//! LSP positions count characters within a line in UTF-16 code units unless the client offered
//! UTF-8 at `initialize`. Positions past the end of a line or of the document are clamped
//! rather than rejected: clients send them after fast edits and the spec asks servers to cope.

use ropey::Rope;
use tower_lsp_server::ls_types::{Position, PositionEncodingKind, Range};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PositionEncoding {
    Utf8,
    #[default]
    Utf16,
}

impl PositionEncoding {
    /// Picks UTF-8 when the client offers it (it avoids conversions), else the mandatory UTF-16.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> PositionEncoding {
        match offered {
            Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => PositionEncoding::Utf8,
            _ => PositionEncoding::Utf16,
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            PositionEncoding::Utf8 => PositionEncodingKind::UTF8,
            PositionEncoding::Utf16 => PositionEncodingKind::UTF16,
        }
    }
}

/// Byte offset of `position`, clamped to the line's end (before its line break) and to the document's end.
pub fn offset_of(rope: &Rope, position: Position, encoding: PositionEncoding) -> usize {
    let line = position.line as usize;
    if line >= rope.len_lines() {
        return rope.len_bytes();
    }
    let line_start_char = rope.line_to_char(line);
    let line_end_char = line_start_char + line_len_without_break(rope, line);
    let char_index = match encoding {
        PositionEncoding::Utf8 => {
            let line_start_byte = rope.char_to_byte(line_start_char);
            let line_end_byte = rope.char_to_byte(line_end_char);
            let byte = (line_start_byte + position.character as usize).min(line_end_byte);
            // A position inside a multi-byte character snaps to that character's start.
            rope.byte_to_char(byte)
        }
        PositionEncoding::Utf16 => {
            let start_cu = rope.char_to_utf16_cu(line_start_char);
            let end_cu = rope.char_to_utf16_cu(line_end_char);
            let cu = (start_cu + position.character as usize).min(end_cu);
            rope.utf16_cu_to_char(cu)
        }
    };
    rope.char_to_byte(char_index.min(line_end_char))
}

/// LSP position of byte offset `offset` (clamped to the document's end; offsets inside a
/// multi-byte character snap to its start).
pub fn position_of(rope: &Rope, offset: usize, encoding: PositionEncoding) -> Position {
    let offset = offset.min(rope.len_bytes());
    let char_index = rope.byte_to_char(offset);
    let line = rope.char_to_line(char_index);
    let line_start_char = rope.line_to_char(line);
    let character = match encoding {
        PositionEncoding::Utf8 => rope.char_to_byte(char_index) - rope.char_to_byte(line_start_char),
        PositionEncoding::Utf16 => rope.char_to_utf16_cu(char_index) - rope.char_to_utf16_cu(line_start_char),
    };
    Position::new(line as u32, character as u32)
}

pub fn range_of(rope: &Rope, range: &std::ops::Range<usize>, encoding: PositionEncoding) -> Range {
    Range::new(position_of(rope, range.start, encoding), position_of(rope, range.end, encoding))
}

/// Number of chars on `line` excluding its line break (`\n`, `\r\n`, or a lone `\r`).
fn line_len_without_break(rope: &Rope, line: usize) -> usize {
    let slice = rope.line(line);
    let mut len = slice.len_chars();
    if len > 0 && slice.char(len - 1) == '\n' {
        len -= 1;
    }
    if len > 0 && slice.char(len - 1) == '\r' {
        len -= 1;
    }
    len
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position::new(line, character)
    }

    #[test]
    fn utf16_counts_surrogate_pairs_as_two_units() {
        // "😀" is one char, 4 UTF-8 bytes, 2 UTF-16 code units.
        let rope = Rope::from_str("a😀b\nnext");
        let b_offset = "a😀".len();
        assert_eq!(position_of(&rope, b_offset, PositionEncoding::Utf16), pos(0, 3));
        assert_eq!(offset_of(&rope, pos(0, 3), PositionEncoding::Utf16), b_offset);
        assert_eq!(position_of(&rope, b_offset, PositionEncoding::Utf8), pos(0, 5));
        assert_eq!(offset_of(&rope, pos(0, 5), PositionEncoding::Utf8), b_offset);
    }

    #[test]
    fn cjk_and_accents_round_trip_in_both_encodings() {
        let text = "def 計算(é):\n    return \"ü\" + 名前\n";
        let rope = Rope::from_str(text);
        for encoding in [PositionEncoding::Utf8, PositionEncoding::Utf16] {
            for (offset, _) in text.char_indices() {
                let p = position_of(&rope, offset, encoding);
                assert_eq!(offset_of(&rope, p, encoding), offset, "{encoding:?} offset {offset}");
            }
        }
        let name_end = text.find("(é)").unwrap();
        assert_eq!(position_of(&rope, name_end, PositionEncoding::Utf16), pos(0, 6));
        assert_eq!(position_of(&rope, name_end, PositionEncoding::Utf8), pos(0, 10));
    }

    #[test]
    fn positions_past_line_end_clamp_before_the_line_break() {
        let rope = Rope::from_str("ab\r\ncd\n");
        assert_eq!(offset_of(&rope, pos(0, 99), PositionEncoding::Utf16), 2);
        assert_eq!(offset_of(&rope, pos(1, 99), PositionEncoding::Utf8), 6);
        assert_eq!(offset_of(&rope, pos(42, 0), PositionEncoding::Utf16), rope.len_bytes());
    }

    #[test]
    fn position_inside_a_surrogate_pair_snaps_to_the_character_start() {
        let rope = Rope::from_str("😀x");
        assert_eq!(offset_of(&rope, pos(0, 1), PositionEncoding::Utf16), 0);
    }

    #[test]
    fn negotiation_prefers_utf8_only_when_offered() {
        assert_eq!(PositionEncoding::negotiate(None), PositionEncoding::Utf16);
        let offered = [PositionEncodingKind::UTF16, PositionEncodingKind::UTF8];
        assert_eq!(PositionEncoding::negotiate(Some(&offered)), PositionEncoding::Utf8);
        assert_eq!(PositionEncoding::negotiate(Some(&[PositionEncodingKind::UTF32])), PositionEncoding::Utf16);
    }
}
