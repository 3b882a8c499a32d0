//! Concrete types for a generic Rust function, so that the cargo harness can call it: element-like type
//! parameters become `char` and iterable ones `Vec<char>`, when every bound is one a standard type meets.

/// Traits `char` implements, by their last path segment.
const CHAR_TRAITS: &[&str] =
    &["Eq", "PartialEq", "Hash", "Clone", "Copy", "Ord", "PartialOrd", "Debug", "Default", "Display", "Send", "Sync", "Sized", "?Sized"];
/// Traits `Vec<char>` implements (not `Copy`, not `Display`).
const VEC_TRAITS: &[&str] = &["Eq", "PartialEq", "Hash", "Clone", "Ord", "PartialOrd", "Debug", "Default", "Send", "Sync", "Sized", "?Sized"];

/// What a type parameter is instantiated with.
const ELEMENT: &str = "char";
const ITERABLE: &str = "Vec<char>";

/// `(name, concrete type)` for each type parameter of `generics` (`<'a, T: Eq + Hash, I>`, as written) under
/// `where_clause` (`where &'a I: IntoIterator<Item = T>, ...`, or empty). None when a parameter is `const`, has a
/// default, or is bounded by a trait that `char` or `Vec<char>` does not meet (numeric traits, project traits):
/// the user writes `make_inputs()` then.
pub fn instantiate(generics: &str, where_clause: &str) -> Option<Vec<(String, String)>> {
    let inner = generics.trim().strip_prefix('<')?.strip_suffix('>')?;
    let mut params: Vec<(String, bool)> = Vec::new();
    let mut bounds: Vec<(String, String)> = Vec::new();
    for item in split_top(inner, ',') {
        if item.is_empty() || item.starts_with('\'') {
            continue;
        }
        if item.starts_with("const ") || item.contains('=') && !item.contains('<') {
            return None;
        }
        let (name, bound) = split_bound(item).unwrap_or((item, ""));
        params.push((name.to_string(), false));
        bounds.extend(split_top(bound, '+').into_iter().map(|b| (name.to_string(), b.to_string())));
    }
    let predicates = where_clause.trim().strip_prefix("where").unwrap_or(where_clause);
    // `&I: IntoIterator<Item = E>` with `I = Vec<char>` makes `E` a `&char`, not a `char`.
    let mut borrowed_items: Vec<String> = Vec::new();
    for predicate in split_top(predicates, ',') {
        if predicate.is_empty() || predicate.starts_with('\'') {
            continue;
        }
        let (left, bound) = split_bound(predicate)?;
        let subject = strip_reference(left);
        if left.trim_start().starts_with('&')
            && let Some(item) =
                bound.split("Item").nth(1).and_then(|rest| rest.trim_start().strip_prefix('=')).map(|rest| rest.trim().trim_end_matches('>').trim())
        {
            borrowed_items.push(item.to_string());
        }
        bounds.extend(split_top(bound, '+').into_iter().map(|b| (subject.to_string(), b.to_string())));
    }
    for (subject, _) in &bounds {
        if !params.iter().any(|(name, _)| name == subject) {
            return None;
        }
    }
    for (name, iterable) in params.iter_mut() {
        *iterable = bounds.iter().any(|(subject, bound)| subject == name && trait_of(bound) == "IntoIterator");
    }
    for (subject, bound) in &bounds {
        if bound.starts_with('\'') {
            continue;
        }
        let iterable = params.iter().any(|(name, iterable)| name == subject && *iterable);
        let allowed = if iterable { VEC_TRAITS } else { CHAR_TRAITS };
        match trait_of(bound) {
            "IntoIterator" => {}
            name if allowed.contains(&name) => {}
            _ => return None,
        }
    }
    Some(
        params
            .into_iter()
            .map(|(name, iterable)| {
                let ty = if iterable {
                    ITERABLE
                } else if borrowed_items.contains(&name) {
                    "&char"
                } else {
                    ELEMENT
                };
                (name, ty.to_string())
            })
            .collect(),
    )
}

/// A bound's trait by its last path segment (`std::hash::Hash` → `Hash`, `IntoIterator<Item = E>` → `IntoIterator`).
fn trait_of(bound: &str) -> &str {
    bound.split('<').next().unwrap_or(bound).rsplit("::").next().unwrap_or(bound).trim()
}

/// Whether a signature written with the instantiated types names an associated type of one (`Vec<char>::Item`),
/// which Rust does not accept written that way.
pub fn names_associated_type(text: &str) -> bool {
    text.contains("Vec<char>::") || text.contains("char::")
}

/// `text` with every whole-word occurrence of each name replaced by its type.
pub fn substitute(text: &str, types: &[(String, String)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        match types.iter().find(|(name, _)| name == word) {
            Some((_, ty)) => out.push_str(ty),
            None => out.push_str(word),
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphanumeric() || c == '_' || (c == '\'' && word.is_empty()) {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// `&'a mut T` → `T`.
fn strip_reference(text: &str) -> &str {
    let mut rest = text.trim();
    if let Some(after) = rest.strip_prefix('&') {
        rest = after.trim_start();
        if rest.starts_with('\'') {
            rest = rest.split_once(char::is_whitespace).map_or("", |(_, r)| r).trim_start();
        }
        rest = rest.strip_prefix("mut ").unwrap_or(rest).trim_start();
    }
    rest
}

/// Splits `T: Bound` at its colon (not a `::` path separator).
fn split_bound(text: &str) -> Option<(&str, &str)> {
    let bytes = text.as_bytes();
    (0..bytes.len())
        .find(|&i| bytes[i] == b':' && bytes.get(i + 1) != Some(&b':') && (i == 0 || bytes[i - 1] != b':'))
        .map(|i| (text[..i].trim(), text[i + 1..].trim()))
}

/// Splits at `separator` outside `<>`, `()` and `[]`, trimming each part.
fn split_top(text: &str, separator: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '<' | '(' | '[' => depth += 1,
            '>' | ')' | ']' => depth -= 1,
            c if c == separator && depth == 0 => {
                parts.push(text[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(text[start..].trim());
    parts.retain(|p| !p.is_empty());
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn element_and_iterable_parameters_get_char_and_vec_of_char() {
        let types = instantiate("<Elem>", "where\n    Elem: Eq + Hash + Clone,").unwrap();
        assert_eq!(types, vec![("Elem".to_string(), "char".to_string())]);
        let jaro = instantiate(
            "<'a, 'b, Iter1, Iter2, Elem1, Elem2>",
            "where &'a Iter1: IntoIterator<Item = Elem1>, &'b Iter2: IntoIterator<Item = Elem2>, Elem1: PartialEq<Elem2>,",
        )
        .unwrap();
        assert_eq!(substitute("&'a Iter1", &jaro), "&'a Vec<char>");
        assert_eq!(substitute("Elem1", &jaro), "&char", "the item of a borrowed Vec<char> is a &char");
        assert_eq!(substitute("&[Elem]", &types), "&[char]");
        assert_eq!(substitute("ElemX", &types), "ElemX", "whole words only");
        assert_eq!(instantiate("<T: std::hash::Hash + Ord>", "").unwrap()[0].1, "char");
    }

    #[test]
    fn bounds_no_standard_type_meets_leave_the_function_to_the_user() {
        assert!(instantiate("<T: num::Float>", "").is_none());
        assert!(instantiate("<const N: usize>", "").is_none());
        assert!(instantiate("<T>", "where T: MyTrait").is_none());
        assert!(instantiate("<T>", "where U: Eq").is_none(), "a bound on something that is not a parameter");
        assert!(instantiate("<I: IntoIterator + Copy>", "").is_none(), "Vec<char> is not Copy");
        assert!(names_associated_type("fn f(x: Vec<char>::Item)"));
    }
}
