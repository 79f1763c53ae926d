//! Every example trains for a few iterations on committed fixtures.
//!
//! The examples name real datasets (`mnist`, `emoji32`, ...). This test builds a data directory
//! with the same layout whose files are the small committed fixtures, so each example runs
//! unchanged: only the schedule is overridden (`--set`) to keep the suite fast.

use candle_core::Device;
use ganc_compiler::check::program::Override;
use ganc_compiler::compile::compile_file;
use ganc_runtime::train::run::{run, RunOptions};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// (path inside the data directory, committed fixture standing in for it)
fn layout() -> Vec<(&'static str, &'static str)> {
    let fashion_images = "fashion-mnist-train1k-images-idx3-ubyte.gz";
    let fashion_labels = "fashion-mnist-train1k-labels-idx1-ubyte.gz";
    let mut v = Vec::new();
    for dir in ["mnist", "fashion-mnist"] {
        for split in ["train", "t10k"] {
            v.push((
                leak(format!("{dir}/{split}-images-idx3-ubyte.gz")),
                fashion_images,
            ));
            v.push((
                leak(format!("{dir}/{split}-labels-idx1-ubyte.gz")),
                fashion_labels,
            ));
        }
    }
    for (wanted, fixture) in extra_layout() {
        v.push((wanted, fixture));
    }
    v
}

/// Colour fixtures, when committed (see tests/fixtures/README.md).
fn extra_layout() -> Vec<(&'static str, &'static str)> {
    let mut v = Vec::new();
    let fixtures = root().join("tests/fixtures");
    for (wanted, fixture) in [
        (
            "emoji-noto/derived/noto-emoji-32-rgb-idx4-ubyte.gz",
            "emoji-32-rgb-64-idx4-ubyte.gz",
        ),
        (
            "emoji-noto/derived/noto-emoji-64-rgba-idx4-ubyte.gz",
            "emoji-64-rgba-64-idx4-ubyte.gz",
        ),
        (
            "emoji-noto/derived/noto-emoji-labels-idx1-ubyte.gz",
            "emoji-labels-64-idx1-ubyte.gz",
        ),
    ] {
        if fixtures.join(fixture).is_file() {
            v.push((wanted, fixture));
        }
    }
    v
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

fn fixture_data_dir(dir: &Path) {
    for (wanted, fixture) in layout() {
        let target = dir.join(wanted);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(root().join("tests/fixtures").join(fixture), &target).unwrap();
    }
}

#[test]
fn every_example_trains_a_few_iterations_on_fixtures() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    fixture_data_dir(&data);
    let mut examples: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "gan"))
        .collect();
    examples.sort();
    assert!(examples.len() >= 3);
    let overrides: Vec<Override> = [
        ("train.steps", "2"),
        ("train.batch", "8"),
        ("train.sample_every", "0"),
        ("train.checkpoint_every", "0"),
    ]
    .iter()
    .map(|(k, v)| Override {
        key: k.to_string(),
        value: v.to_string(),
    })
    .collect();
    let mut failures = Vec::new();
    for example in &examples {
        let compilation = compile_file(example, &overrides);
        let Some(program) = compilation.program else {
            failures.push(format!(
                "{}: does not compile: {:?}",
                example.display(),
                compilation.diagnostics
            ));
            continue;
        };
        let opts = RunOptions {
            spec_text: std::fs::read_to_string(example).unwrap(),
            overrides: overrides
                .iter()
                .map(|o| (o.key.clone(), o.value.clone()))
                .collect(),
            device: Device::Cpu,
            data_dir: data.clone(),
            runs_root: tmp.path().join("runs"),
            resume: None,
            stop_after: None,
        };
        match run(program, opts) {
            Ok(summary) => {
                if summary.step != 2 || !summary.checkpoint.is_file() {
                    failures.push(format!("{}: ran {} steps", example.display(), summary.step));
                }
                let finite = summary.last.iter().all(|(_, v)| v.is_finite());
                if !finite {
                    failures.push(format!(
                        "{}: non-finite metrics {:?}",
                        example.display(),
                        summary.last
                    ));
                }
            }
            Err(e) => failures.push(format!("{}: {e}", example.display())),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
