//! The `ganc` binary as a user runs it: exit codes, outputs and files on disk.

use assert_cmd::Command;
use std::path::Path;

const RING: &str = r#"gan cli_ring
data x: [B, 2] from ring8(std: 0.05)
latent z: [B, 4] ~ normal(0, 1)
generator G(z: [B, 4]) -> [B, 2] {
  return z -> linear(16) -> relu -> linear(2)
}
discriminator D(x: [B, 2]) -> [B, 1] {
  return x -> linear(16) -> leaky_relu(0.2) -> linear(1)
}
game { loss: non_saturating }
train {
  batch: 16
  steps: 4
  optim G: adam(lr: 1e-3)
  optim D: adam(lr: 1e-3)
  sample_every: 2
  sample_grid: 4
}
"#;

fn ganc() -> Command {
    Command::cargo_bin("ganc").expect("binary")
}

/// What a finished command wrote to standard error.
fn stderr_of(out: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&out.get_output().stderr).to_string()
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn check_accepts_every_example() {
    let mut files: Vec<_> = std::fs::read_dir(root().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "gan"))
        .collect();
    files.sort();
    let out = ganc().arg("check").args(&files).assert().success();
    let stderr = stderr_of(&out);
    for f in &files {
        assert!(stderr.contains(&format!("{}: ok", f.display())), "{stderr}");
    }
}

#[test]
fn check_fails_with_a_coded_diagnostic_and_json_for_tools() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.gan");
    std::fs::write(&bad, RING.replace("linear(2)", "linaer(2)")).unwrap();
    let out = ganc().args(["check"]).arg(&bad).assert().failure();
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains("linaer") && stderr.contains("linear"),
        "{stderr}"
    );
    let out = ganc()
        .args(["check", "--message-format", "json"])
        .arg(&bad)
        .assert()
        .failure();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    let first: serde_json::Value =
        serde_json::from_str(stdout.lines().next().expect("a line")).unwrap();
    assert!(first["code"].as_str().unwrap().starts_with("ganc::"));
    assert_eq!(first["labels"][0]["line"], 5);
}

#[test]
fn shapes_table_lists_nodes_and_totals() {
    let out = ganc()
        .args(["check", "--shapes"])
        .arg(root().join("examples/dcgan_mnist.gan"))
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    // G: linear 100*6272, batchnorm 2*6272, deconv 128*64*16, batchnorm 2*64, deconv 64*1*16 + 1.
    let g = 100 * 6272 + 2 * 6272 + 128 * 64 * 16 + 2 * 64 + 64 * 16 + 1;
    assert_eq!(g, 771_969);
    assert!(stdout.contains("771,969 trainable parameters"), "{stdout}");
    assert!(stdout.contains("[B, 128, 7, 7]"), "{stdout}");
}

#[test]
fn run_then_sample_writes_the_run_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = tmp.path().join("ring.gan");
    std::fs::write(&spec, RING).unwrap();
    let out = ganc()
        .arg("run")
        .arg(&spec)
        .args(["--set", "train.steps=3", "--runs"])
        .arg(tmp.path().join("runs"))
        .assert()
        .success();
    let stderr = stderr_of(&out);
    assert!(stderr.contains("overrides: train.steps=3"), "{stderr}");
    let model_dir = tmp.path().join("runs/cli_ring");
    let run_dir = std::fs::read_dir(&model_dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    assert_eq!(
        std::fs::read_to_string(run_dir.join("spec.gan")).unwrap(),
        RING
    );
    let metrics = std::fs::read_to_string(run_dir.join("metrics.jsonl")).unwrap();
    assert_eq!(metrics.lines().count(), 3);
    assert!(run_dir.join("checkpoints/final.safetensors").is_file());
    assert!(run_dir.join("samples/step-000000002.png").is_file());
    let settings: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run_dir.join("settings.json")).unwrap())
            .unwrap();
    assert_eq!(settings["overrides"][0][0], "train.steps");
    let png = tmp.path().join("grid.png");
    ganc()
        .arg("sample")
        .arg(&run_dir)
        .args(["-n", "16", "--out"])
        .arg(&png)
        .assert()
        .success();
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[1..4], b"PNG");
}

#[test]
fn bad_flags_are_reported_with_a_code_and_help() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = tmp.path().join("ring.gan");
    std::fs::write(&spec, RING).unwrap();
    let out = ganc()
        .arg("run")
        .arg(&spec)
        .args(["--set", "train.steps"])
        .assert()
        .code(2);
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains("ganc::cli::bad_override") && stderr.contains("help:"),
        "{stderr}"
    );
    let out = ganc()
        .arg("run")
        .arg(&spec)
        .args(["--device", "tpu"])
        .assert()
        .code(2);
    let stderr = stderr_of(&out);
    assert!(stderr.contains("ganc::cli::bad_device"), "{stderr}");
    let out = ganc().arg("sample").arg(tmp.path()).assert().failure();
    let stderr = stderr_of(&out);
    assert!(stderr.contains("ganc::sample::run_dir"), "{stderr}");
}

#[test]
fn a_bad_overridden_value_is_blamed_on_the_flag_not_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = tmp.path().join("ring.gan");
    std::fs::write(&spec, RING).unwrap();
    let out = ganc()
        .arg("check")
        .arg(&spec)
        .args(["--set", "train.steps=abc"])
        .assert()
        .failure();
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains("`--set train.steps=abc`: unknown dimension `abc`")
            && stderr.contains("not from the file"),
        "{stderr}"
    );
    // A negative number is a .gan expression, refused by the setting's range, not the parser.
    let out = ganc()
        .arg("check")
        .arg(&spec)
        .args(["--set", "train.steps=-5"])
        .assert()
        .failure();
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains("ganc::settings::out_of_range") && stderr.contains("must not be negative"),
        "{stderr}"
    );
    // An override that cannot be applied names its own flag, not a later one for the same key.
    let out = ganc()
        .arg("check")
        .arg(&spec)
        .args(["--set", "train.steps=}", "--set", "train.steps=5"])
        .assert()
        .failure();
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains("`--set train.steps=}`: the value is not a .gan expression")
            && !stderr.contains("train.steps=5"),
        "{stderr}"
    );
}

#[test]
fn an_unreadable_file_is_reported_without_an_empty_source_box() {
    let tmp = tempfile::tempdir().unwrap();
    let out = ganc()
        .arg("check")
        .arg(tmp.path().join("nope.gan"))
        .assert()
        .failure();
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains("ganc::io::read") && stderr.contains("help:") && !stderr.contains('╭'),
        "{stderr}"
    );
}

#[test]
fn a_missing_dataset_is_reported_before_any_run_directory_is_made() {
    let tmp = tempfile::tempdir().unwrap();
    let runs = tmp.path().join("runs");
    let out = ganc()
        .arg("run")
        .arg(root().join("examples/mlp_gan_mnist.gan"))
        .arg("--data-dir")
        .arg(tmp.path().join("no-data-here"))
        .arg("--runs")
        .arg(&runs)
        .assert()
        .failure();
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains("ganc::data::invalid")
            && stderr.contains("dataset `mnist` not found")
            && stderr.contains("help:"),
        "{stderr}"
    );
    assert!(
        !runs.exists(),
        "a run that never started left {}",
        runs.display()
    );
}

#[cfg(not(feature = "cuda"))]
#[test]
fn cuda_device_without_the_feature_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = tmp.path().join("ring.gan");
    std::fs::write(&spec, RING).unwrap();
    let out = ganc()
        .arg("run")
        .arg(&spec)
        .args(["--device", "cuda:0"])
        .assert()
        .code(2);
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains("ganc::cli::no_cuda") && stderr.contains("--features cuda"),
        "{stderr}"
    );
}

/// Every `error[ganc::...]` the binary can print, and every run-time error code, is registered
/// in the code registry (and so documented: `compiler/tests/codes.rs`).
#[test]
fn every_code_the_binary_prints_is_registered() {
    use ganc_compiler::diagnostics::codes::ALL;
    let registered: std::collections::HashSet<&str> = ALL.iter().map(|c| c.name).collect();
    let mut found = Vec::new();
    for dir in ["src/cli", "runtime/src"] {
        let mut stack = vec![root().join(dir)];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for (i, _) in text.match_indices("\"ganc::") {
                        let rest = &text[i + 1..];
                        let end = rest
                            .find(|c: char| !(c.is_ascii_alphanumeric() || c == ':' || c == '_'))
                            .unwrap();
                        found.push((path.clone(), rest[..end].to_string()));
                    }
                    for (i, _) in text.match_indices("error[ganc::") {
                        let rest = &text[i + 6..];
                        let end = rest.find(']').unwrap();
                        found.push((path.clone(), rest[..end].to_string()));
                    }
                }
            }
        }
    }
    assert!(found.len() > 10);
    let missing: Vec<_> = found
        .iter()
        .filter(|(_, c)| !registered.contains(c.as_str()))
        .collect();
    assert!(missing.is_empty(), "unregistered codes: {missing:?}");
}

/// `ganc check --dump graph FILE | head -1`: the reader goes away before the report is written;
/// the command must end as Unix tools do, not with a panic about a broken pipe.
#[test]
fn closed_stdout_ends_report_commands_without_a_panic() {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("ganc"))
        .args(["check", "--dump", "graph"])
        .arg(root().join("examples/dcgan64_emoji.gan"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn ganc");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait for ganc");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
}
