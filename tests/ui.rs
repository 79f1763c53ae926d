//! Diagnostic snapshots: every `tests/ui/*.gan` must fail to compile; its source and rendered
//! report are snapshot-tested, and its first line `// expect: <code>` must name a produced code.

use ganc_compiler::compile_file;
use ganc_compiler::diagnostics::{render_all, RenderOptions};
use std::path::Path;

#[test]
fn ui_cases() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/ui exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "gan"))
        .collect();
    cases.sort();
    assert!(!cases.is_empty(), "no UI cases found");
    let mut failures = Vec::new();
    for path in &cases {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("case")
            .to_string();
        // Integration tests run in the package root, so a relative path keeps snapshots
        // independent of where the repository is checked out.
        let rel = Path::new("tests/ui").join(path.file_name().unwrap_or_default());
        let source = std::fs::read_to_string(path).expect("UI case is UTF-8");
        let c = compile_file(&rel, &[]);
        let rendered = render_all(
            &c.diagnostics,
            &c.sources,
            RenderOptions {
                color: false,
                width: 100,
            },
        );
        let expect = source
            .lines()
            .next()
            .and_then(|l| l.trim().strip_prefix("// expect:"))
            .map(|s| s.trim().to_string());
        let produced: Vec<&str> = c.diagnostics.iter().map(|d| d.code.name).collect();
        match &expect {
            None => failures.push(format!("{name}: first line must be `// expect: <code>`")),
            Some(code) if !produced.contains(&code.as_str()) => {
                failures.push(format!("{name}: expected {code}, produced {produced:?}"))
            }
            _ => {}
        }
        if !c.has_errors() {
            failures.push(format!("{name}: compiled without errors"));
        }
        insta::with_settings!({snapshot_path => "ui/snapshots", prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!(name.clone(), format!("{source}\n---\n{rendered}"));
        });
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
