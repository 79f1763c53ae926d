//! The error-code registry: unique, namespaced, and documented in `docs/errors.md`.

use ganc_compiler::diagnostics::codes::ALL;
use std::collections::HashSet;

#[test]
fn codes_are_unique() {
    let mut seen = HashSet::new();
    for c in ALL {
        assert!(seen.insert(c.name), "duplicate code {}", c.name);
    }
}

#[test]
fn codes_are_namespaced() {
    for c in ALL {
        let parts: Vec<&str> = c.name.split("::").collect();
        assert_eq!(parts.len(), 3, "{} is not ganc::<area>::<kind>", c.name);
        assert_eq!(parts[0], "ganc", "{}", c.name);
        for p in &parts[1..] {
            assert!(
                !p.is_empty()
                    && p.chars()
                        .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_'),
                "{}: parts are lowercase snake_case",
                c.name
            );
        }
        assert!(!c.summary.is_empty(), "{} has no summary", c.name);
    }
}

#[test]
fn every_code_is_documented() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/errors.md"))
        .expect("docs/errors.md exists");
    let missing: Vec<&str> = ALL
        .iter()
        .map(|c| c.name)
        .filter(|n| !doc.contains(&format!("`{n}`")))
        .collect();
    assert!(missing.is_empty(), "undocumented codes: {missing:?}");
    // Every area of the registry has its own section.
    for c in ALL {
        let area = c.name.split("::").nth(1).unwrap_or_default();
        assert!(
            doc.contains(&format!("\n## {area}\n")),
            "no section `## {area}` for {}",
            c.name
        );
    }
}
