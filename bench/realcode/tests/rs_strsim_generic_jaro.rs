//! Test for corpus entry `rs_strsim_generic_jaro` (weco-lsp bench/realcode): calls `generic_jaro` at a realistic size.
use rs_strsim_generic_jaro::generic_jaro;

/// A small deterministic generator (no dependencies): xorshift64*.
fn rng_next(state: &mut u64) -> u64 {
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    state.wrapping_mul(0x2545F4914F6CDD1D)
}

fn text(seed: u64, n: usize) -> String {
    let mut s = seed.wrapping_mul(0x9E3779B97F4A7C15) | 1;
    (0..n).map(|_| (b'a' + (rng_next(&mut s) % 12) as u8) as char).collect()
}

/// Replaces about one char in five.
fn mutate(a: &str, seed: u64) -> String {
    let mut s = seed.wrapping_mul(0x9E3779B97F4A7C15) | 1;
    a.chars().map(|c| if rng_next(&mut s) % 5 == 0 { (b'a' + (rng_next(&mut s) % 12) as u8) as char } else { c }).collect()
}

/// `generic_jaro` takes `&impl IntoIterator` with a cloneable iterator: a String's chars, wrapped.
struct StringWrapperish(String);
impl<'a> IntoIterator for &'a StringWrapperish {
    type Item = char;
    type IntoIter = std::str::Chars<'a>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.chars()
    }
}

#[test]
fn generic_jaro_on_realistic_input() {
    let a = StringWrapperish(text(7, 3000));
    let b = StringWrapperish(mutate(&a.0, 8));
    let s = generic_jaro(&a, &b);
    assert!(s > 0.5 && s < 1.0);
}
