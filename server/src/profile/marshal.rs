//! A reader for the subset of Python's `marshal` format that `pstats.Stats.dump_stats` writes: dicts, tuples,
//! ints, floats, strings, None/True/False, and back-references. Bounded: a hostile file gets an error, never a panic,
//! a huge allocation or a deep recursion.

/// A marshalled value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Tuple(Vec<Value>),
    Dict(Vec<(Value, Value)>),
}

const FLAG_REF: u8 = 0x80;
const MAX_DEPTH: usize = 16;

pub fn read(bytes: &[u8]) -> Result<Value, String> {
    let mut reader = Reader { bytes, at: 0, refs: Vec::new() };
    reader.value(0)
}

struct Reader<'b> {
    bytes: &'b [u8],
    at: usize,
    refs: Vec<Option<Value>>,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len()).ok_or("the pstats file ends early")?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    fn byte(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }

    fn int32(&mut self) -> Result<i32, String> {
        let b = self.take(4)?;
        Ok(i32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn length(&mut self) -> Result<usize, String> {
        let n = self.int32()?;
        // Every element takes at least a byte: a length past the rest of the file is corrupt.
        usize::try_from(n).ok().filter(|&n| n <= self.bytes.len() - self.at).ok_or_else(|| format!("bad length {n} in the pstats file"))
    }

    fn text(&mut self, n: usize) -> Result<Value, String> {
        Ok(Value::Str(String::from_utf8_lossy(self.take(n)?).into_owned()))
    }

    fn value(&mut self, depth: usize) -> Result<Value, String> {
        if depth > MAX_DEPTH {
            return Err("the pstats file nests deeper than a profile does".into());
        }
        let code = self.byte()?;
        let slot = (code & FLAG_REF != 0).then(|| {
            self.refs.push(None);
            self.refs.len() - 1
        });
        let value = match code & !FLAG_REF {
            b'N' => Value::None,
            b'T' => Value::Bool(true),
            b'F' => Value::Bool(false),
            b'i' => Value::Int(i64::from(self.int32()?)),
            b'l' => {
                let digits = self.int32()?;
                let mut value: i64 = 0;
                for shift in 0..digits.unsigned_abs().min(4) {
                    let d = self.take(2)?;
                    value |= i64::from(u16::from_le_bytes([d[0], d[1]])) << (15 * shift);
                }
                // Longer than 60 bits: skip the rest; no count in a profile is that large.
                self.take(2 * digits.unsigned_abs().saturating_sub(4) as usize)?;
                Value::Int(if digits < 0 { -value } else { value })
            }
            b'g' => {
                let b = self.take(8)?;
                Value::Float(f64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]))
            }
            b'f' => {
                let n = usize::from(self.byte()?);
                let text = String::from_utf8_lossy(self.take(n)?).into_owned();
                Value::Float(text.trim().parse().map_err(|_| format!("bad float {text:?} in the pstats file"))?)
            }
            b'z' | b'Z' => {
                let n = usize::from(self.byte()?);
                self.text(n)?
            }
            b'a' | b'A' | b'u' | b't' | b's' => {
                let n = self.length()?;
                self.text(n)?
            }
            b'(' | b'[' | b'<' | b'>' => {
                let n = self.length()?;
                self.items(n, depth)?
            }
            b')' => {
                let n = usize::from(self.byte()?);
                self.items(n, depth)?
            }
            b'{' => {
                let mut pairs = Vec::new();
                loop {
                    if self.bytes.get(self.at) == Some(&b'0') {
                        self.at += 1;
                        break;
                    }
                    let key = self.value(depth + 1)?;
                    let value = self.value(depth + 1)?;
                    pairs.push((key, value));
                }
                Value::Dict(pairs)
            }
            b'r' => {
                let index = usize::try_from(self.int32()?).map_err(|_| "bad reference in the pstats file")?;
                let target = self.refs.get(index).cloned().flatten().ok_or_else(|| format!("reference {index} to nothing in the pstats file"))?;
                // pstats refers back to strings and to its (file, line, name) keys; a reference to a large container
                // could multiply the file's size (each use is a copy), so it is refused.
                if !is_small(&target) {
                    return Err(format!("reference {index} to a container in the pstats file"));
                }
                target
            }
            other => return Err(format!("unexpected marshal type {:?} at byte {} (not a pstats file?)", other as char, self.at - 1)),
        };
        if let Some(slot) = slot {
            self.refs[slot] = Some(value.clone());
        }
        Ok(value)
    }

    fn items(&mut self, n: usize, depth: usize) -> Result<Value, String> {
        let mut items = Vec::with_capacity(n.min(1024));
        for _ in 0..n {
            items.push(self.value(depth + 1)?);
        }
        Ok(Value::Tuple(items))
    }
}

/// A scalar, or a tuple of at most a few scalars.
fn is_small(value: &Value) -> bool {
    match value {
        Value::Tuple(items) => items.len() <= 8 && items.iter().all(|v| !matches!(v, Value::Tuple(_) | Value::Dict(_))),
        Value::Dict(_) => false,
        _ => true,
    }
}
