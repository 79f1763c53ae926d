//! Hostile input never panics or hangs the compiler: every input yields a result, and every
//! rejected input yields at least one error diagnostic with a code.

use ganc_compiler::check::program::Override;
use ganc_compiler::compile::{compile_file, compile_source};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn examples() -> Vec<(PathBuf, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut out: Vec<(PathBuf, String)> = std::fs::read_dir(&dir)
        .expect("examples folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "gan"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("example text");
            (p, text)
        })
        .collect();
    out.sort();
    assert!(out.len() >= 2, "expected the examples to exist");
    out
}

/// Compiles `text` and checks the outcome is a program or an error diagnostic, quickly.
fn assert_diagnosed(name: &str, text: &str) {
    let start = Instant::now();
    let c = compile_source(Path::new(name), text, &Vec::<Override>::new());
    let took = start.elapsed();
    // Generous: this guards against hangs and blow-ups, not speed (see benches/check.rs).
    assert!(
        took < Duration::from_secs(10),
        "{name}: compiling took {took:?}"
    );
    if c.program.is_none() {
        assert!(
            c.diagnostics
                .iter()
                .any(|d| d.is_error() && d.code.name.starts_with("ganc::")),
            "{name}: rejected without an error diagnostic: {:?}",
            c.diagnostics
        );
    }
}

#[test]
fn empty_and_whitespace_files_are_diagnosed() {
    for text in ["", " ", "\n\n", "// only a comment\n", "/* unterminated"] {
        let c = compile_source(Path::new("empty.gan"), text, &Vec::<Override>::new());
        assert!(c.program.is_none());
        assert!(c.has_errors(), "{text:?}");
    }
}

#[test]
fn binary_garbage_is_diagnosed() {
    // A fixed linear congruential generator: reproducible bytes without a dependency.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    for round in 0..50 {
        let bytes: Vec<u8> = (0..(round * 37 + 1))
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (state >> 33) as u8
            })
            .collect();
        assert_diagnosed("garbage.gan", &String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn non_utf8_file_is_diagnosed() {
    let dir = tempfile_dir();
    let path = dir.join("latin1.gan");
    std::fs::write(&path, [0x67, 0x61, 0x6e, 0x20, 0xe9, 0xff, 0xfe]).unwrap();
    let c = compile_file(&path, &[]);
    assert!(c.has_errors());
}

#[test]
fn missing_file_is_diagnosed() {
    let c = compile_file(Path::new("/nonexistent/dir/model.gan"), &[]);
    assert!(c.has_errors());
}

#[test]
fn deep_nesting_is_diagnosed_not_overflowed() {
    for depth in [100, 10_000, 50_000] {
        let text = format!(
            "gan deep\ndims {{ Z = {}1{} }}\n",
            "(".repeat(depth),
            ")".repeat(depth)
        );
        assert_diagnosed("deep.gan", &text);
        let chain = format!("gan long\ndims {{ Z = 1{} }}\n", " + 1".repeat(depth));
        assert_diagnosed("long.gan", &chain);
        let minus = format!("gan neg\ndims {{ Z = {}1 }}\n", "-".repeat(depth));
        assert_diagnosed("neg.gan", &minus);
    }
}

#[test]
fn huge_zero_and_negative_sizes_are_diagnosed() {
    let base = examples()
        .into_iter()
        .find(|(p, _)| p.ends_with("dcgan_mnist.gan"))
        .unwrap()
        .1;
    for replacement in [
        "99999999999999999999999",
        "9223372036854775807",
        "4294967296 * 4294967296",
        "0",
        "-5",
        "100 / 0",
        "100 / 3",
    ] {
        let text = base.replace("Z = 100", &format!("Z = {replacement}"));
        assert_ne!(text, base);
        assert_diagnosed("sizes.gan", &text);
        let c = compile_source(Path::new("sizes.gan"), &text, &Vec::<Override>::new());
        assert!(c.has_errors(), "Z = {replacement} was accepted");
    }
}

#[test]
fn recursive_blocks_and_import_cycles_are_diagnosed() {
    let recursive = "gan rec\nblock a(c: int)(x: [B, C]) -> [B, C] { return x -> a(c) }\n\
        network N(x: [B, 4]) -> [B, 4] { return x -> a(4) }\n";
    assert_diagnosed("rec.gan", recursive);
    let c = compile_source(Path::new("rec.gan"), recursive, &Vec::<Override>::new());
    assert!(c.has_errors());
    let dir = tempfile_dir();
    std::fs::write(dir.join("a.gan"), "gan a\nimport \"b.gan\" { f }\n").unwrap();
    std::fs::write(dir.join("b.gan"), "gan b\nimport \"a.gan\" { g }\n").unwrap();
    let c = compile_file(&dir.join("a.gan"), &[]);
    assert!(c.has_errors());
}

#[test]
fn random_mutations_of_the_examples_never_panic() {
    let mut state: u64 = 42;
    let mut next = |n: usize| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 33) as usize) % n.max(1)
    };
    let tokens = [
        "(",
        ")",
        "{",
        "}",
        "[",
        "]",
        "->",
        ",",
        ":",
        "=",
        "0",
        "-1",
        "B",
        "x",
        "relu",
        "conv(",
        "linear(3)",
        "return",
        "repeat 2 {",
        "game",
        "train",
        "\"",
        "/*",
        "1e999",
        "cat(",
        ".",
    ];
    for (path, text) in examples() {
        let name = path.display().to_string();
        for _ in 0..150 {
            let mut t: Vec<char> = text.chars().collect();
            for _ in 0..(1 + next(4)) {
                let at = next(t.len() + 1);
                match next(3) {
                    0 => {
                        let tok: Vec<char> = tokens[next(tokens.len())].chars().collect();
                        t.splice(at..at, tok);
                    }
                    1 if at < t.len() => {
                        let end = (at + 1 + next(12)).min(t.len());
                        t.drain(at..end);
                    }
                    _ => {
                        let src = next(t.len());
                        let end = (src + next(30)).min(t.len());
                        let piece: Vec<char> = t[src..end].to_vec();
                        t.splice(at.min(t.len())..at.min(t.len()), piece);
                    }
                }
            }
            let mutated: String = t.into_iter().collect();
            assert_diagnosed(&name, &mutated);
        }
    }
}

fn tempfile_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "ganc-robust-{}-{}",
        std::process::id(),
        rand_suffix()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}
