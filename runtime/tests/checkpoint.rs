//! Checkpoint files (round trip, atomic replacement, naming, latest pick) and the run generator
//! whose state they carry.

use candle_core::{DType, Device, Tensor};
use ganc_runtime::checkpoint::{
    latest_checkpoint, list_checkpoints, load, save, CheckpointError, CheckpointId, CheckpointMeta,
    META_KEY,
};
use ganc_runtime::rng::{RngError, RngState, RunRng};
use std::collections::HashMap;
use std::path::Path;

const CPU: Device = Device::Cpu;

fn meta(step: u64) -> CheckpointMeta {
    let mut rng = RunRng::from_seed(7);
    rng.normal(&[3], 0.0, 1.0, DType::F32, &CPU).unwrap();
    CheckpointMeta {
        step,
        rng: rng.state(),
        spec_hash: "abc123".to_string(),
    }
}

fn tensors(scale: f32) -> HashMap<String, Tensor> {
    let mut t = HashMap::new();
    let w: Vec<f32> = (0..6).map(|i| i as f32 * scale).collect();
    t.insert(
        "g.w".to_string(),
        Tensor::from_vec(w, (2, 3), &CPU).unwrap(),
    );
    t.insert("opt.step".to_string(), Tensor::new(41i64, &CPU).unwrap());
    t.insert(
        "d.b".to_string(),
        Tensor::new(&[1.5f64, -2.25], &CPU).unwrap(),
    );
    t
}

fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn assert_same(a: &HashMap<String, Tensor>, b: &HashMap<String, Tensor>) {
    assert_eq!(a.len(), b.len());
    for (name, t) in a {
        let u = &b[name];
        assert_eq!(t.dtype(), u.dtype(), "{name} dtype");
        assert_eq!(t.dims(), u.dims(), "{name} shape");
        let (x, y) = (
            t.flatten_all().unwrap().to_dtype(DType::F64).unwrap(),
            u.flatten_all().unwrap().to_dtype(DType::F64).unwrap(),
        );
        assert_eq!(
            x.to_vec1::<f64>().unwrap(),
            y.to_vec1::<f64>().unwrap(),
            "{name}"
        );
    }
}

#[test]
fn round_trip_keeps_tensors_and_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let saved = tensors(0.5);
    let path = save(dir.path(), CheckpointId::Step(1000), &saved, &meta(1000)).unwrap();
    assert_eq!(path, dir.path().join("ckpt-000001000.safetensors"));
    // Only the final file is left: the temporary was renamed, not copied.
    assert_eq!(file_names(dir.path()), ["ckpt-000001000.safetensors"]);

    let (loaded, m) = load(&path, &CPU).unwrap();
    assert_same(&saved, &loaded);
    assert_eq!(m, meta(1000));
    assert!(!loaded.contains_key(META_KEY));
}

#[test]
fn names_parse_and_format() {
    assert_eq!(
        CheckpointId::Step(1000).file_name(),
        "ckpt-000001000.safetensors"
    );
    assert_eq!(CheckpointId::Final.file_name(), "final.safetensors");
    assert_eq!(
        CheckpointId::parse("ckpt-000000042.safetensors"),
        Some(CheckpointId::Step(42))
    );
    assert_eq!(
        CheckpointId::parse("ckpt-1234567890.safetensors"),
        Some(CheckpointId::Step(1_234_567_890))
    );
    for other in [
        "ckpt-42.safetensors",
        ".ckpt-000000042.safetensors.tmp-17",
        "ckpt-00000004x.safetensors",
        "final.json",
        "model.safetensors",
    ] {
        assert_eq!(CheckpointId::parse(other), None, "{other}");
    }
}

#[test]
fn latest_is_highest_step_then_final() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(latest_checkpoint(dir.path()).unwrap(), None);
    // Written out of order; 20 < 1000 numerically and also by name thanks to zero padding.
    for step in [20, 1000, 5] {
        save(
            dir.path(),
            CheckpointId::Step(step),
            &tensors(1.0),
            &meta(step),
        )
        .unwrap();
    }
    std::fs::write(dir.path().join("notes.txt"), "not a checkpoint").unwrap();
    let ids: Vec<CheckpointId> = list_checkpoints(dir.path())
        .unwrap()
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(
        ids,
        [
            CheckpointId::Step(5),
            CheckpointId::Step(20),
            CheckpointId::Step(1000)
        ]
    );
    let (id, path) = latest_checkpoint(dir.path()).unwrap().unwrap();
    assert_eq!(id, CheckpointId::Step(1000));
    assert_eq!(load(&path, &CPU).unwrap().1.step, 1000);

    save(dir.path(), CheckpointId::Final, &tensors(1.0), &meta(1200)).unwrap();
    let (id, path) = latest_checkpoint(dir.path()).unwrap().unwrap();
    assert_eq!(id, CheckpointId::Final);
    assert_eq!(path, dir.path().join("final.safetensors"));
}

#[test]
fn parent_that_is_a_file_is_a_typed_error() {
    let dir = tempfile::tempdir().unwrap();
    let not_a_dir = dir.path().join("plain-file");
    std::fs::write(&not_a_dir, "x").unwrap();
    let err = save(&not_a_dir, CheckpointId::Step(1), &tensors(1.0), &meta(1)).unwrap_err();
    let shown = err.to_string();
    assert!(
        shown.contains("plain-file"),
        "error lacks the path: {shown}"
    );
    assert_eq!(file_names(dir.path()), ["plain-file"]);
}

/// The write of a replacement fails (its temporary cannot be created): the previous checkpoint
/// under the final name must still be complete and unchanged.
#[test]
fn failed_replacement_keeps_previous_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let old = tensors(1.0);
    let path = save(dir.path(), CheckpointId::Final, &old, &meta(10)).unwrap();
    let tmp = dir
        .path()
        .join(format!(".final.safetensors.tmp-{}", std::process::id()));
    std::fs::create_dir(&tmp).unwrap();
    let err = save(dir.path(), CheckpointId::Final, &tensors(3.0), &meta(20)).unwrap_err();
    assert!(err.to_string().contains(".final.safetensors.tmp-"), "{err}");
    let (loaded, m) = load(&path, &CPU).unwrap();
    assert_same(&old, &loaded);
    assert_eq!(m.step, 10);
    // The blocked temporary is not reported as a checkpoint.
    assert_eq!(list_checkpoints(dir.path()).unwrap().len(), 1);
}

#[test]
fn bad_inputs_are_typed_errors() {
    let dir = tempfile::tempdir().unwrap();
    let mut reserved = tensors(1.0);
    reserved.insert(META_KEY.to_string(), Tensor::new(&[1u8], &CPU).unwrap());
    assert!(matches!(
        save(dir.path(), CheckpointId::Step(1), &reserved, &meta(1)),
        Err(CheckpointError::ReservedName { .. })
    ));

    let missing = dir.path().join("ckpt-000000009.safetensors");
    assert!(matches!(
        load(&missing, &CPU),
        Err(CheckpointError::Io { path, .. }) if path == missing
    ));

    let garbage = dir.path().join("garbage.safetensors");
    std::fs::write(&garbage, b"definitely not safetensors").unwrap();
    assert!(matches!(
        load(&garbage, &CPU),
        Err(CheckpointError::Tensors { path, .. }) if path == garbage
    ));

    // A valid safetensors file written by someone else, without ganc metadata.
    let foreign = dir.path().join("foreign.safetensors");
    candle_core::safetensors::save(&tensors(1.0), &foreign).unwrap();
    assert!(matches!(
        load(&foreign, &CPU),
        Err(CheckpointError::BadMeta { .. })
    ));
}

/// Draws of every kind, in an order that leaves the stream at odd 32-bit word offsets.
fn draws(rng: &mut RunRng) -> Vec<Vec<f64>> {
    let flat = |t: Tensor| {
        t.flatten_all()
            .unwrap()
            .to_dtype(DType::F64)
            .unwrap()
            .to_vec1::<f64>()
            .unwrap()
    };
    vec![
        flat(rng.class_indices(3, 10, &CPU).unwrap()),
        flat(rng.normal(&[2, 3], 1.0, 2.0, DType::F32, &CPU).unwrap()),
        flat(rng.bernoulli(&[5], 0.3, DType::F32, &CPU).unwrap()),
        flat(rng.uniform(&[4], -1.0, 1.0, DType::F64, &CPU).unwrap()),
        flat(rng.one_hot(2, 4, DType::F32, &CPU).unwrap()),
    ]
}

#[test]
fn restored_rng_reproduces_draws() {
    let mut a = RunRng::from_seed(1234);
    draws(&mut a);
    a.class_indices(1, 3, &CPU).unwrap(); // one more word: an odd stream position
    let state = a.state();
    let json = serde_json::to_string(&state).unwrap();
    let expected = draws(&mut a);

    let restored: RngState = serde_json::from_str(&json).unwrap();
    let mut b = RunRng::from_state(&restored).unwrap();
    assert_eq!(draws(&mut b), expected);

    // Sanity: the state really encodes a position, not just the seed.
    let mut c = RunRng::from_seed(1234);
    assert_ne!(draws(&mut c), expected);
}

#[test]
fn draws_have_their_distributions() {
    let mut rng = RunRng::from_seed(99);
    let n = 20_000;
    let normal = rng
        .normal(&[n], 3.0, 0.5, DType::F64, &CPU)
        .unwrap()
        .to_vec1::<f64>()
        .unwrap();
    let mean = normal.iter().sum::<f64>() / n as f64;
    let var = normal.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
    // Standard error of the mean is 0.5 / sqrt(20000) ~ 0.0035; allow ~6 of them.
    assert!((mean - 3.0).abs() < 0.02, "mean {mean}");
    assert!((var.sqrt() - 0.5).abs() < 0.02, "std {}", var.sqrt());

    let uniform = rng
        .uniform(&[n], -2.0, 6.0, DType::F64, &CPU)
        .unwrap()
        .to_vec1::<f64>()
        .unwrap();
    assert!(uniform.iter().all(|&x| (-2.0..6.0).contains(&x)));
    let mean = uniform.iter().sum::<f64>() / n as f64;
    assert!((mean - 2.0).abs() < 0.1, "uniform mean {mean}");

    let mask = rng
        .bernoulli(&[n], 0.25, DType::F32, &CPU)
        .unwrap()
        .to_vec1::<f32>()
        .unwrap();
    assert!(mask.iter().all(|&x| x == 0.0 || x == 1.0));
    let rate = mask.iter().sum::<f32>() / n as f32;
    assert!((rate - 0.25).abs() < 0.02, "bernoulli rate {rate}");

    // One-hot rows mark the classes class_indices draws from the same state.
    let state = rng.state();
    let classes = rng
        .class_indices(50, 7, &CPU)
        .unwrap()
        .to_vec1::<u32>()
        .unwrap();
    let mut again = RunRng::from_state(&state).unwrap();
    let rows = again
        .one_hot(50, 7, DType::F32, &CPU)
        .unwrap()
        .to_vec2::<f32>()
        .unwrap();
    for (row, &class) in rows.iter().zip(&classes) {
        assert!(class < 7);
        let expected: Vec<f32> = (0..7).map(|k| if k == class { 1.0 } else { 0.0 }).collect();
        assert_eq!(row, &expected);
    }

    // The same seed gives the same values whatever the dtype (f32 is the f64 draw rounded).
    let f64s = RunRng::from_seed(5)
        .normal(&[8], 0.0, 1.0, DType::F64, &CPU)
        .unwrap()
        .to_vec1::<f64>()
        .unwrap();
    let f32s = RunRng::from_seed(5)
        .normal(&[8], 0.0, 1.0, DType::F32, &CPU)
        .unwrap()
        .to_vec1::<f32>()
        .unwrap();
    for (a, b) in f64s.iter().zip(&f32s) {
        assert_eq!(*a as f32, *b);
    }
}

#[test]
fn bad_rng_inputs_are_typed_errors() {
    let mut rng = RunRng::from_seed(0);
    assert!(matches!(
        rng.normal(&[2], 0.0, -1.0, DType::F32, &CPU),
        Err(RngError::InvalidParameter { .. })
    ));
    assert!(matches!(
        rng.uniform(&[2], 1.0, 1.0, DType::F32, &CPU),
        Err(RngError::InvalidParameter { .. })
    ));
    assert!(matches!(
        rng.bernoulli(&[2], 1.5, DType::F32, &CPU),
        Err(RngError::InvalidParameter { .. })
    ));
    assert!(matches!(
        rng.class_indices(2, 0, &CPU),
        Err(RngError::InvalidParameter { .. })
    ));
    let mut state = rng.state();
    state.seed = "zz".repeat(32);
    assert!(matches!(
        RunRng::from_state(&state),
        Err(RngError::BadSeed { .. })
    ));
    state.seed = "ab".repeat(31);
    assert!(matches!(
        RunRng::from_state(&state),
        Err(RngError::BadSeed { .. })
    ));
}
