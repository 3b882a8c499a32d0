//! Test for corpus entry `rs_edit_distance` (weco-lsp bench/realcode): calls `edit_distance` at a realistic size.
use rs_edit_distance::edit_distance;

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

#[test]
fn edit_distance_on_realistic_input() {
    let a = text(9, 500);
    let b = mutate(&a, 10);
    let d = edit_distance(&a, &b);
    assert!(d > 0 && d <= 500);
    assert_eq!(edit_distance(&a, &a), 0);
}
