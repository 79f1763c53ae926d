//! Run directory, metrics log, progress reporter, interrupt flag and spec diff.

use ganc_runtime::rundir::{
    spec_diff, spec_sha256, utc_timestamp, utc_timestamp_now, Interrupt, MetricsWriter, Progress,
    RunDir, RunDirError,
};
use serde_json::json;
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// SHA-256("abc"), FIPS 180-2 appendix B.1.
const SHA256_ABC: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
/// SHA-256 of the empty string.
const SHA256_EMPTY: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn create_makes_layout_and_suffixes_taken_names() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("runs");
    let ts = "20240102-030405";
    let first = RunDir::create_at(&root, "dcgan", ts).unwrap();
    let second = RunDir::create_at(&root, "dcgan", ts).unwrap();
    let third = RunDir::create_at(&root, "dcgan", ts).unwrap();
    assert_eq!(first.path(), root.join("dcgan").join(ts));
    assert_eq!(second.path(), root.join("dcgan").join("20240102-030405-2"));
    assert_eq!(third.path(), root.join("dcgan").join("20240102-030405-3"));
    assert_eq!(entries(first.path()), ["checkpoints", "samples"]);
    assert_eq!(
        first.checkpoints_dir(),
        root.join("dcgan").join(ts).join("checkpoints")
    );
    assert_eq!(first.samples_dir(), first.path().join("samples"));
    assert_eq!(first.metrics_path(), first.path().join("metrics.jsonl"));
    assert_eq!(first.spec_path(), first.path().join("spec.gan"));
    assert_eq!(first.spec_hash_path(), first.path().join("spec.sha256"));
    assert_eq!(first.settings_path(), first.path().join("settings.json"));
}

#[test]
fn create_uses_current_utc_time() {
    let tmp = tempfile::tempdir().unwrap();
    let before = utc_timestamp_now();
    let dir = RunDir::create(tmp.path(), "mlp").unwrap();
    let after = utc_timestamp_now();
    let name = dir
        .path()
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(dir.path().parent().unwrap(), tmp.path().join("mlp"));
    assert_eq!(name.len(), 15, "{name}");
    assert!(name.chars().enumerate().all(|(i, c)| if i == 8 {
        c == '-'
    } else {
        c.is_ascii_digit()
    }));
    // Fixed-width digits sort lexicographically in time order.
    assert!(
        before <= name && name <= after,
        "{before} <= {name} <= {after}"
    );
}

#[test]
fn utc_timestamp_matches_known_dates() {
    assert_eq!(utc_timestamp(0), "19700101-000000");
    // 30 years incl. 7 leap days = 10957 days, + 31 (Jan) + 28 = 11016 days.
    assert_eq!(utc_timestamp(11016 * 86_400), "20000229-000000");
    assert_eq!(utc_timestamp(11016 * 86_400 + 86_399), "20000229-235959");
    assert_eq!(utc_timestamp(11017 * 86_400), "20000301-000000");
    assert_eq!(utc_timestamp(1_700_000_000), "20231114-221320");
    // 130 years incl. 32 leap days = 47482 days to 2100-01-01; 2100 is not a leap year.
    assert_eq!(utc_timestamp(47_482 * 86_400 - 1), "20991231-235959");
    assert_eq!(utc_timestamp((47_482 + 59) * 86_400), "21000301-000000");
}

#[test]
fn bad_model_names_are_refused_before_touching_disk() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("runs");
    for name in ["", "../escape", "a/b", ".hidden", "sp ace", "..", "é"] {
        let err = RunDir::create_at(&root, name, "20240101-000000").unwrap_err();
        assert!(
            matches!(&err, RunDirError::BadModelName { name: n, .. } if n == name),
            "{name:?}: {err}"
        );
    }
    assert!(!root.exists());
    assert!(RunDir::create_at(&root, "ok_name-1.v2", "20240101-000000").is_ok());
}

#[test]
fn unwritable_root_is_an_error_naming_the_path() {
    let tmp = tempfile::tempdir().unwrap();
    // A plain file where the root directory should be: creation fails even for root users.
    let root = tmp.path().join("not_a_dir");
    std::fs::write(&root, b"x").unwrap();
    let err = RunDir::create_at(&root, "m", "20240101-000000").unwrap_err();
    match &err {
        RunDirError::Io { op, path, .. } => {
            assert_eq!(*op, "create directory");
            assert_eq!(path, &root.join("m"));
        }
        other => panic!("expected an I/O error, got {other}"),
    }
    assert!(err.to_string().contains("not_a_dir"), "{err}");
}

#[test]
fn open_accepts_only_run_directories() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("nope");
    assert!(matches!(
        RunDir::open(&missing),
        Err(RunDirError::NotARunDir { path, .. }) if path == missing
    ));
    let created = RunDir::create_at(tmp.path(), "m", "20240101-000000").unwrap();
    assert!(matches!(
        RunDir::open(created.path()),
        Err(RunDirError::NotARunDir { expected, .. }) if expected.contains("spec.gan")
    ));
    created.write_spec("model m {}\n").unwrap();
    std::fs::remove_dir(created.samples_dir()).unwrap();
    let opened = RunDir::open(created.path()).unwrap();
    assert_eq!(opened, created);
    assert!(opened.samples_dir().is_dir());
    // A spec file given instead of its directory.
    assert!(matches!(
        RunDir::open(&created.spec_path()),
        Err(RunDirError::NotARunDir { .. })
    ));
}

#[test]
fn spec_is_stored_exactly_with_its_sha256() {
    assert_eq!(spec_sha256(""), SHA256_EMPTY);
    let tmp = tempfile::tempdir().unwrap();
    let dir = RunDir::create_at(tmp.path(), "m", "20240101-000000").unwrap();
    assert_eq!(dir.write_spec("abc").unwrap(), SHA256_ABC);
    assert_eq!(std::fs::read(dir.spec_path()).unwrap(), b"abc");
    assert_eq!(
        std::fs::read_to_string(dir.spec_hash_path()).unwrap(),
        format!("{SHA256_ABC}  spec.gan\n")
    );
    assert_eq!(dir.read_spec_hash().unwrap(), SHA256_ABC);

    // Rewriting replaces both files; CRLF and non-ASCII survive byte for byte.
    let text = "model µ {\r\n  z: 100\r\n}";
    let hash = dir.write_spec(text).unwrap();
    assert_eq!(dir.read_spec().unwrap(), text);
    assert_eq!(dir.read_spec_hash().unwrap(), hash);
    assert_ne!(hash, SHA256_ABC);
    assert_eq!(
        entries(dir.path()),
        ["checkpoints", "samples", "spec.gan", "spec.sha256"],
        "no temporaries left behind"
    );

    std::fs::write(dir.spec_hash_path(), "not a hash\n").unwrap();
    assert!(matches!(
        dir.read_spec_hash(),
        Err(RunDirError::BadContent { line: 1, .. })
    ));
}

#[test]
fn settings_round_trip() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = RunDir::create_at(tmp.path(), "m", "20240101-000000").unwrap();
    let settings = json!({
        "train": {"steps": 200, "batch": 32, "lr": 2e-4, "betas": [0.5, 0.999]},
        "overrides": ["train.steps=200", "train.batch=32"],
        "device": "cpu",
        "data_dir": "/data/ünïcode",
        "ganc_version": "0.1.0",
        "seed": u64::MAX,
        "note": null,
    });
    dir.write_settings(&settings).unwrap();
    assert_eq!(dir.read_settings().unwrap(), settings);
    let second = json!({"device": "cuda:0"});
    dir.write_settings(&second).unwrap();
    assert_eq!(dir.read_settings().unwrap(), second);
    assert_eq!(
        entries(dir.path()),
        ["checkpoints", "samples", "settings.json"]
    );

    std::fs::write(dir.settings_path(), "{\"device\": ").unwrap();
    let err = dir.read_settings().unwrap_err();
    assert!(matches!(&err, RunDirError::Json { path, .. } if path == &dir.settings_path()));
}

fn metric(step: u64) -> serde_json::Value {
    json!({"step": step, "d_loss": 1.0 / (step as f64 + 1.0), "g_loss": 0.25, "time": 0.5})
}

#[test]
fn metrics_append_one_flushed_line_per_record() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("metrics.jsonl");
    let mut w = MetricsWriter::create(&path).unwrap();
    for step in [1, 2, 3] {
        w.append(&metric(step)).unwrap();
        // Readable immediately, without dropping the writer.
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count() as u64, step);
        assert!(text.ends_with('\n'));
    }
    let read: Vec<serde_json::Value> = std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(read, [metric(1), metric(2), metric(3)]);

    let before = std::fs::read(&path).unwrap();
    for bad in [
        json!({"d_loss": 1.0}),
        json!({"step": "7"}),
        json!({"step": -1}),
        json!([1]),
    ] {
        assert!(
            matches!(w.append(&bad), Err(RunDirError::BadRecord { .. })),
            "{bad}"
        );
    }
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "refused records write nothing"
    );

    // Reopening appends rather than truncating.
    drop(w);
    MetricsWriter::create(&path)
        .unwrap()
        .append(&metric(4))
        .unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap().lines().count(), 4);
}

#[test]
fn metrics_resume_equals_uninterrupted_log() {
    let tmp = tempfile::tempdir().unwrap();
    let uninterrupted = tmp.path().join("straight.jsonl");
    let mut w = MetricsWriter::create(&uninterrupted).unwrap();
    for step in (10..=60).step_by(10) {
        w.append(&metric(step)).unwrap();
    }

    // Interrupted run: logged up to 40, crashed mid-line at 50, checkpoint at 20.
    let path = tmp.path().join("metrics.jsonl");
    let mut w = MetricsWriter::create(&path).unwrap();
    for step in (10..=40).step_by(10) {
        w.append(&metric(step)).unwrap();
    }
    drop(w);
    std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap()
        .write_all(b"{\"step\":50,\"d_lo")
        .unwrap();
    let mut w = MetricsWriter::resume(&path, 20).unwrap();
    let kept = std::fs::read_to_string(&path).unwrap();
    let straight = std::fs::read_to_string(&uninterrupted).unwrap();
    let first_two: String = straight.split_inclusive('\n').take(2).collect();
    assert_eq!(kept, first_two);
    for step in (30..=60).step_by(10) {
        w.append(&metric(step)).unwrap();
    }
    assert_eq!(std::fs::read_to_string(&path).unwrap(), straight);
    assert_eq!(entries(tmp.path()), ["metrics.jsonl", "straight.jsonl"]);
}

#[test]
fn metrics_resume_edge_cases() {
    let tmp = tempfile::tempdir().unwrap();
    // No metrics yet (interrupted before the first log): an empty file.
    let missing = tmp.path().join("missing.jsonl");
    MetricsWriter::resume(&missing, 5).unwrap();
    assert_eq!(std::fs::read(&missing).unwrap(), b"");

    // Resuming at step 0 keeps nothing after it; blank lines are dropped.
    let path = tmp.path().join("m.jsonl");
    std::fs::write(&path, "{\"step\":0}\n\n{\"step\":1}\n").unwrap();
    MetricsWriter::resume(&path, 0).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "{\"step\":0}\n");

    // A complete line that is not a record is corruption, not a crash artefact.
    let bad = tmp.path().join("bad.jsonl");
    let content = "{\"step\":1}\nnot json\n{\"step\":2}\n";
    std::fs::write(&bad, content).unwrap();
    match MetricsWriter::resume(&bad, 5) {
        Err(RunDirError::BadContent {
            path, line, found, ..
        }) => {
            assert_eq!((path, line, found.as_str()), (bad.clone(), 2, "not json"));
        }
        other => panic!("expected BadContent, got {other:?}"),
    }
    assert_eq!(
        std::fs::read_to_string(&bad).unwrap(),
        content,
        "left untouched"
    );
}

#[test]
fn spec_diff_small_cases() {
    assert_eq!(spec_diff("a\nb\n", "a\nb\n"), None);
    assert_eq!(
        spec_diff("a\nb\nc\n", "a\nx\nc\n").unwrap(),
        "- 2: b\n+ 2: x\n"
    );
    assert_eq!(spec_diff("a\nc\n", "a\nb\nc\n").unwrap(), "+ 2: b\n");
    assert_eq!(spec_diff("a\nb\nc\n", "a\nc\n").unwrap(), "- 2: b\n");
    assert_eq!(spec_diff("", "z\n").unwrap(), "+ 1: z\n");
    // LCS is [a, b]: x and y go, z comes in between.
    assert_eq!(
        spec_diff("x\na\nb\ny\n", "a\nz\nb\n").unwrap(),
        "- 1: x\n+ 2: z\n- 4: y\n"
    );
    assert!(spec_diff("a\nb\n", "a\nb")
        .unwrap()
        .contains("final newline"));
    assert!(spec_diff("a\r\nb\r\n", "a\nb\n")
        .unwrap()
        .contains("line endings"));
}

#[test]
fn spec_diff_caps_long_output() {
    let old: String = (0..30).map(|i| format!("old {i}\n")).collect();
    let new: String = (0..30).map(|i| format!("new {i}\n")).collect();
    let diff = spec_diff(&old, &new).unwrap();
    let lines: Vec<&str> = diff.lines().collect();
    assert_eq!(lines.len(), 21);
    // No common line: all 30 removals come first, the first 20 are shown.
    for (i, line) in lines[..20].iter().enumerate() {
        assert_eq!(*line, format!("- {}: old {i}", i + 1));
    }
    assert_eq!(lines[20], "... and 40 more changed lines");
}

/// A writer the test keeps a handle to after giving it to `Progress`.
#[derive(Clone, Default)]
struct SharedBuf(Arc<Mutex<Vec<u8>>>);

impl SharedBuf {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

impl Write for SharedBuf {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn progress_plain_lines_every_n_steps_with_rates() {
    let buf = SharedBuf::default();
    let mut p = Progress::with_writer(10, 0, 4, Box::new(buf.clone()));
    let t0 = p.started();
    for step in 1..=10u64 {
        // Step s completes at s²/10 seconds.
        let at = t0 + Duration::from_millis(step * step * 100);
        let d = 1.0 + step as f64 / 8.0;
        p.update_at(step, &[("d_loss", d), ("g_loss", 0.5)], at)
            .unwrap();
    }
    p.message("checkpoint written").unwrap();
    p.finish().unwrap();
    // Rates: 4 steps / 1.6 s; 4 steps / (6.4 - 1.6) s; 2 steps / (10 - 6.4) s.
    assert_eq!(
        buf.text(),
        "step 4/10  d_loss=1.500 g_loss=0.500  2.5 it/s\n\
         step 8/10  d_loss=2.000 g_loss=0.500  0.8 it/s\n\
         step 10/10  d_loss=2.250 g_loss=0.500  0.6 it/s\n\
         checkpoint written\n"
    );
}

#[test]
fn progress_plain_resume_and_finish_between_report_steps() {
    let buf = SharedBuf::default();
    let mut p = Progress::with_writer(100, 6, 4, Box::new(buf.clone()));
    let t0 = p.started();
    for step in 7..=9u64 {
        let at = t0 + Duration::from_millis((step - 6) * 500);
        p.update_at(
            step,
            &[("w", 1.5e-5), ("g", -20000.0), ("nan", f64::NAN)],
            at,
        )
        .unwrap();
    }
    p.finish().unwrap();
    p.finish().unwrap();
    // Rates count from the resume step: 2 steps / 1 s, then 1 step / 0.5 s.
    assert_eq!(
        buf.text(),
        "step 8/100  w=1.500e-5 g=-2.000e4 nan=NaN  2.0 it/s\n\
         step 9/100  w=1.500e-5 g=-2.000e4 nan=NaN  2.0 it/s\n"
    );
}

#[test]
fn progress_plain_every_zero_means_every_step_and_errors_surface() {
    let buf = SharedBuf::default();
    let mut p = Progress::with_writer(2, 0, 0, Box::new(buf.clone()));
    let t0 = p.started();
    p.update_at(1, &[], t0).unwrap();
    p.update_at(2, &[], t0 + Duration::from_secs(4)).unwrap();
    assert_eq!(buf.text(), "step 1/2  -- it/s\nstep 2/2  0.2 it/s\n");

    struct Broken;
    impl Write for Broken {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk full"))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut p = Progress::with_writer(10, 0, 5, Box::new(Broken));
    assert!(p.update(4, &[]).is_ok(), "nothing due, nothing written");
    assert!(p.update(5, &[]).is_err());
    assert!(p.message("x").is_err());
}

#[test]
fn interrupt_flag_install_request_reset() {
    // Everything touching the process-wide flag lives in this one test, so parallel tests
    // cannot race on it.
    let first = Interrupt::install().unwrap();
    let again = Interrupt::install().unwrap();
    first.reset();
    assert!(!first.requested());
    again.request();
    assert!(first.requested() && again.requested());
    first.reset();
    assert!(!again.requested());

    // A real SIGINT goes through the installed handler and only sets the flag. So must SIGTERM
    // (`kill`, `timeout`, job schedulers) and SIGHUP (a closed terminal): a checkpointed stop,
    // not the end of the process (which would end this test).
    #[cfg(unix)]
    for signal in ["-INT", "-TERM", "-HUP"] {
        let status = std::process::Command::new("kill")
            .args([signal, &std::process::id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(5);
        while !first.requested() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(first.requested(), "{signal} did not reach the handler");
        first.reset();
        assert!(!first.requested());
    }
}
