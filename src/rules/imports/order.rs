//! The order isort (and ruff's `I001`, with its default settings) gives the names of one `from … import`:
//! constants (`ALL_CAPS`), then classes (`CamelCase`), then everything else; within each, case-insensitive
//! natural order (digit runs compare as numbers), the exact spelling and then the alias breaking ties.
//! Pure functions of the names' text.

use std::cmp::Ordering;

/// How isort ranks a name by its spelling.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Constant,
    Class,
    Variable,
}

fn kind(name: &str) -> Kind {
    let cased = name.chars().any(|c| c.is_lowercase() || c.is_uppercase());
    if name.chars().count() > 1 && cased && !name.chars().any(char::is_lowercase) {
        Kind::Constant
    } else if name.chars().next().is_some_and(char::is_uppercase) {
        Kind::Class
    } else {
        Kind::Variable
    }
}

/// Compares two imported names as isort does; an item is `name` or `name as alias`.
pub(super) fn compare(a: &str, b: &str) -> Ordering {
    let (name_a, alias_a) = split(a);
    let (name_b, alias_b) = split(b);
    kind(name_a)
        .cmp(&kind(name_b))
        .then_with(|| natural(&name_a.to_lowercase(), &name_b.to_lowercase()))
        .then_with(|| natural(name_a, name_b))
        .then_with(|| alias_a.cmp(&alias_b))
}

/// Whether the items are in isort order already.
pub(super) fn is_sorted(items: &[&str]) -> bool {
    items.windows(2).all(|w| compare(w[0], w[1]) != Ordering::Greater)
}

/// `name as alias` into its name and alias, whatever the whitespace between them.
fn split(item: &str) -> (&str, Option<&str>) {
    let mut words = item.split_whitespace();
    let name = words.next().unwrap_or("");
    (name, words.nth(1))
}

/// Natural order: runs of ASCII digits compare by their value, everything else character by character.
fn natural(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a, b);
    loop {
        let (Some(x), Some(y)) = (a.chars().next(), b.chars().next()) else {
            return a.len().cmp(&b.len());
        };
        if x.is_ascii_digit() && y.is_ascii_digit() {
            let (run_a, rest_a) = digits(a);
            let (run_b, rest_b) = digits(b);
            let value = |run: &str| run.trim_start_matches('0').to_string();
            let (va, vb) = (value(run_a), value(run_b));
            let order = va.len().cmp(&vb.len()).then_with(|| va.cmp(&vb));
            if order != Ordering::Equal {
                return order;
            }
            (a, b) = (rest_a, rest_b);
        } else if x != y {
            return x.cmp(&y);
        } else {
            (a, b) = (&a[x.len_utf8()..], &b[y.len_utf8()..]);
        }
    }
}

fn digits(s: &str) -> (&str, &str) {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    s.split_at(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_then_classes_then_the_rest() {
        let mut names = vec!["get_x", "_Private", "WebSocketEvent", "WS_TIMEOUT", "Apple", "A"];
        names.sort_by(|a, b| compare(a, b));
        assert_eq!(names, ["WS_TIMEOUT", "A", "Apple", "WebSocketEvent", "_Private", "get_x"]);
    }

    #[test]
    fn a_name_sorts_before_its_longer_twin() {
        assert!(is_sorted(&["get_websocket_manager", "get_websocket_manager_async", "get_ws_url"]));
        assert!(!is_sorted(&["get_websocket_manager_async", "get_websocket_manager"]));
    }

    #[test]
    fn case_insensitive_with_numbers_by_value() {
        assert!(is_sorted(&["v2", "v10", "v10a"]));
        assert!(is_sorted(&["b_alpha", "b_Beta", "b_gamma"]));
        assert!(!is_sorted(&["v10", "v2"]));
    }

    #[test]
    fn an_alias_breaks_ties() {
        assert!(is_sorted(&["f as a", "f as b", "f_async"]));
    }
}
