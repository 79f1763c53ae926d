//! Every layer kind the compiler accepts runs at run time: one spec using the whole catalogue
//! (tests/specs/all_layers.gan) trains two iterations with finite losses and writes samples.
//! (`batchnorm` is left out here: every DCGAN example trains it in tests/examples.rs.)

use candle_core::Device;
use ganc_compiler::compile::compile_file;
use ganc_compiler::graph::Op;
use ganc_runtime::train::run::{run, RunOptions};
use std::collections::BTreeSet;
use std::path::Path;

#[test]
fn a_spec_using_every_layer_kind_trains() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/specs/all_layers.gan");
    let compilation = compile_file(&spec, &[]);
    let program = compilation
        .program
        .unwrap_or_else(|| panic!("{:#?}", compilation.diagnostics));
    let kinds: BTreeSet<&str> = program
        .networks
        .iter()
        .flat_map(|n| n.nodes.iter().map(|node| node.op.keyword()))
        .collect();
    let spectral = program.networks.iter().flat_map(|n| &n.nodes).any(|node| {
        matches!(
            node.op,
            Op::Linear { spectral: true, .. } | Op::Conv { spectral: true, .. }
        )
    });
    assert!(spectral);
    for kind in [
        "linear",
        "conv",
        "deconv",
        "conv3d",
        "deconv3d",
        "virtual_batchnorm",
        "instancenorm",
        "layernorm",
        "groupnorm",
        "dropout",
        "elu",
        "prelu",
        "leaky_relu",
        "softplus",
        "sigmoid",
        "tanh",
        "reshape",
        "flatten",
        "upsample",
        "avgpool",
        "maxpool",
        "zeropad",
        "reflectpad",
        "pixel_shuffle",
        "embedding",
        "onehot",
        "minibatch_discrimination",
        "cat",
        "add",
    ] {
        assert!(
            kinds.contains(kind),
            "the spec does not use `{kind}`: {kinds:?}"
        );
    }
    let tmp = tempfile::tempdir().unwrap();
    let summary = run(
        program,
        RunOptions {
            spec_text: std::fs::read_to_string(&spec).unwrap(),
            overrides: Vec::new(),
            device: Device::Cpu,
            data_dir: tmp.path().join("data"),
            runs_root: tmp.path().join("runs"),
            resume: None,
            stop_after: None,
        },
    )
    .unwrap();
    assert_eq!(summary.step, 2);
    assert!(
        summary.last.iter().all(|(_, v)| v.is_finite()),
        "{:?}",
        summary.last
    );
    assert!(summary.dir.join("samples/latest.png").is_file());
}
