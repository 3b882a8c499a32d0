
// ===========================================================================================================
// weco-lsp harness (template `rust_inputs`, from src/inputs.rs): evaluate.sh appends this to a copy of
// baseline.rs and of optimize.rs, so `super::` names that side's own function and types.
// ===========================================================================================================
#[doc(hidden)]
#[allow(warnings)]
pub(crate) mod __weco_inputs {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};

    /// The arguments of one call, as owned values (cloned afresh before every call).
    pub type Input = __INPUT_TYPE__;

    /// Representative calls (__INPUTS_ORIGIN__). The same list is made for the baseline and the candidate.
    pub fn make_inputs() -> Vec<Input> {
__MAKE_INPUTS__
    }

    /// One call of `__FUNCTION__` on `input`; arguments taken by value are moved out of it.
    pub fn call(input: &mut Input) -> __OUTPUT_TYPE__ {
        __CALL__
    }

    /// The comparable form of a result.
    pub fn output_value(output: &__OUTPUT_TYPE__) -> crate::Value {
        __OUTPUT_VALUE__
    }

    /// The comparable form of the arguments after a call (mutations through `&mut` must match the baseline's).
    pub fn input_value(input: &Input) -> crate::Value {
        __INPUT_VALUE__
    }

    /// Deterministic pseudo-random numbers for synthesized inputs (no dependencies).
    pub struct Rng(u64);

    impl Rng {
        pub fn new(seed: u64) -> Self {
            Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
        }
        pub fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        /// In `0..bound` (bound > 0).
        pub fn below(&mut self, bound: u64) -> u64 {
            self.next() % bound.max(1)
        }
        pub fn unit(&mut self) -> f64 {
            (self.next() >> 11) as f64 / (1u64 << 53) as f64
        }
        pub fn word(&mut self, length: usize) -> String {
            (0..length).map(|_| (b'a' + self.below(26) as u8) as char).collect()
        }
    }
}
