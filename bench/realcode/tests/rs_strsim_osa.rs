//! Test for corpus entry `rs_strsim_osa` (weco-lsp bench/realcode): calls `osa_distance` at a realistic size.
use rs_strsim_osa::osa_distance;

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
fn osa_distance_on_realistic_input() {
    let a = text(1, 400);
    let b = mutate(&a, 2);
    let d = osa_distance(&a, &b);
    assert!(d > 0 && d <= 400);
    assert_eq!(osa_distance(&a, &a), 0);
}
