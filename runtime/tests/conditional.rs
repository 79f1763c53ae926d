//! Sampling conditional and InfoGAN generators: the inputs fed to G under `--cond` and
//! `--sweep`, the errors for bad requests, and code recovery against a hand computation.

use candle_core::{Device, Tensor};
use ganc_compiler::check::program::Override;
use ganc_compiler::compile::compile_source;
use ganc_runtime::train::code_recovery::code_recovery;
use ganc_runtime::train::sample::SampleRequest;
use ganc_runtime::train::sample_inputs::{sampler_inputs, Sweep};
use ganc_runtime::train::session::Session;
use std::path::Path;

/// G(z, c, u) with a 2-class code and two continuous codes; Q reads G's output directly.
const SPEC: &str = r#"
gan tiny_codes
data x: [B, 2] from ring8(std: 0.05)
latent z: [B, 2] ~ normal(0, 1)
latent c: class(2) ~ categorical
latent u: [B, 2] ~ uniform(-1, 1)
generator G(z: [B, 2], c: class(2), u: [B, 2]) -> [B, 2] {
  return cat(onehot(c, 2), z, u) -> linear(2)
}
discriminator D(x: [B, 2]) -> (adv: [B, 1], q_cat: [B, 2]) {
  return (adv: x -> linear(1), q_cat: x -> linear(2))
}
game {
  loss: non_saturating
  real: D(x).adv
  fake: D(G(z, c, u)).adv
  term info: cross_entropy(D(G(z, c, u)).q_cat, c) trains G, D
}
train {
  batch: 4
  steps: 1
  optim G: sgd(lr: 0.1)
  optim D: sgd(lr: 0.1)
  sample_every: 0
}
"#;

fn session(spec: &str) -> Session {
    let c = compile_source(Path::new("tiny.gan"), spec, &Vec::<Override>::new());
    assert!(!c.has_errors(), "{:#?}", c.diagnostics);
    Session::new(c.program.expect("program"), Device::Cpu).expect("session")
}

fn request(count: usize, cols: usize, fixed: &[(&str, u32)]) -> SampleRequest {
    SampleRequest {
        count,
        seed: 5,
        fixed: fixed.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        cols,
    }
}

/// G's inputs (z, c, u) for a request.
fn inputs(s: &Session, req: &SampleRequest, sweep: Option<&Sweep>) -> Vec<Tensor> {
    let g = s.net("G").unwrap().net.clone();
    sampler_inputs(s, &g, req, sweep, None).expect("inputs")
}

fn error(s: &Session, req: &SampleRequest, sweep: Option<&Sweep>) -> String {
    let g = s.net("G").unwrap().net.clone();
    sampler_inputs(s, &g, req, sweep, None)
        .expect_err("a bad request must fail")
        .to_string()
}

#[test]
fn cond_fixes_the_class_fed_to_g_and_rows_cycle_classes_otherwise() {
    let s = session(SPEC);
    let fixed = inputs(&s, &request(12, 4, &[("c", 1)]), None);
    assert_eq!(fixed[1].to_vec1::<u32>().unwrap(), vec![1; 12]);
    let rows = inputs(&s, &request(12, 4, &[]), None);
    // Three rows of four: classes 0, 1, then 0 again.
    let expected: Vec<u32> = (0..12).map(|i| (i / 4) % 2).collect();
    assert_eq!(rows[1].to_vec1::<u32>().unwrap(), expected);
    // Without a sweep every sample has its own noise.
    let z = rows[0].to_vec2::<f32>().unwrap();
    assert_ne!(z[0], z[1]);
}

#[test]
fn sweep_varies_one_code_linearly_across_columns_and_shares_everything_else() {
    let s = session(SPEC);
    let sweep: Sweep = "u[1]".parse().unwrap();
    let got = inputs(&s, &request(15, 5, &[]), Some(&sweep));
    let (z, c, u) = (
        got[0].to_vec2::<f32>().unwrap(),
        got[1].to_vec1::<u32>().unwrap(),
        got[2].to_vec2::<f32>().unwrap(),
    );
    for i in 0..15 {
        let col = (i % 5) as f32;
        // uniform(-1, 1): -1, -0.5, 0, 0.5, 1 across the five columns.
        assert!(
            (u[i][1] - (-1.0 + 0.5 * col)).abs() < 1e-6,
            "u[{i}] = {:?}",
            u[i]
        );
        assert_eq!(u[i][0], u[0][0], "the other code is shared");
        assert_eq!(z[i], z[0], "the noise is shared");
        assert_eq!(c[i], ((i / 5) % 2) as u32, "one row per class");
    }
    assert!((-1.0..=1.0).contains(&u[0][0]));
    let explicit: Sweep = "z[0]=-3:3".parse().unwrap();
    let got = inputs(&s, &request(3, 3, &[("c", 1)]), Some(&explicit));
    let z = got[0].to_vec2::<f32>().unwrap();
    assert_eq!([z[0][0], z[1][0], z[2][0]], [-3.0, 0.0, 3.0]);
}

#[test]
fn bad_cond_and_sweep_requests_are_errors_naming_what_was_expected() {
    let s = session(SPEC);
    let unknown = error(&s, &request(4, 2, &[("y", 1)]), None);
    assert!(
        unknown.contains("no input `y`") && unknown.contains("z, c, u"),
        "{unknown}"
    );
    let range = error(&s, &request(4, 2, &[("c", 2)]), None);
    assert!(
        range.contains("2 classes") && range.contains("0 to 1"),
        "{range}"
    );
    let tensor = error(&s, &request(4, 2, &[("z", 0)]), None);
    assert!(tensor.contains("tensor input"), "{tensor}");
    let class_sweep = error(&s, &request(4, 2, &[]), Some(&"c[0]".parse().unwrap()));
    assert!(class_sweep.contains("class input"), "{class_sweep}");
    let index = error(&s, &request(4, 2, &[]), Some(&"u[2]".parse().unwrap()));
    assert!(index.contains("0 to 1"), "{index}");
    for bad in ["u", "u[x]", "u[0", "[0]", "u[0]=1", "u[0]=a:b", "u[-1]"] {
        assert!(bad.parse::<Sweep>().is_err(), "`{bad}` parsed");
    }
    assert_eq!(
        "u[1]=-2:2.5".parse::<Sweep>().unwrap(),
        Sweep {
            input: "u".into(),
            index: 1,
            range: Some((-2.0, 2.5)),
        }
    );
}

/// Sets variable `suffix` of `net` to `values` (row-major).
fn set(s: &Session, net: &str, suffix: &str, values: Vec<f32>) {
    let (_, var) = s.nets[net]
        .params
        .trainable
        .iter()
        .find(|(n, _)| n.ends_with(suffix))
        .expect("variable");
    let t = Tensor::from_vec(values, var.dims(), &Device::Cpu).unwrap();
    var.set(&t).unwrap();
}

#[test]
fn code_recovery_counts_argmax_hits_and_cross_entropy_by_hand() {
    let mut s = session(SPEC);
    // G(z, c, u) = onehot(c): the identity on the one-hot columns, zero elsewhere.
    let mut wg = vec![0.0f32; 2 * 6];
    (0..2).for_each(|k| wg[k * 6 + k] = 1.0);
    set(&s, "G", "linear.weight", wg);
    set(&s, "G", "linear.bias", vec![0.0; 2]);
    // Q's logits are 2 * onehot(c): always right, cross-entropy log(e^2 + 1) - 2.
    set(&s, "D", "q_cat.linear.weight", vec![2., 0., 0., 2.]);
    set(&s, "D", "q_cat.linear.bias", vec![0.0; 2]);
    let r = code_recovery(&mut s, 300, 64, 1).unwrap();
    assert_eq!(r.len(), 1);
    assert_eq!(
        (r[0].code.as_str(), r[0].term.as_str(), r[0].samples),
        ("c", "info", 300)
    );
    assert_eq!(r[0].accuracy, 1.0);
    let ce = (2f64.exp() + 1.0).ln() - 2.0;
    assert!(
        (r[0].cross_entropy - ce).abs() < 1e-5,
        "{} vs {ce}",
        r[0].cross_entropy
    );
    // The codes swapped: never right.
    set(&s, "D", "q_cat.linear.weight", vec![0., 2., 2., 0.]);
    let r = code_recovery(&mut s, 300, 64, 1).unwrap();
    assert_eq!(r[0].accuracy, 0.0);
    assert_eq!(r[0].per_class, vec![0.0; 2]);
}

#[test]
fn code_recovery_without_a_categorical_code_term_is_an_error() {
    let spec = SPEC.replace(
        "term info: cross_entropy(D(G(z, c, u)).q_cat, c) trains G, D",
        "term l: mse(D(G(z, c, u)).q_cat, D(G(z, c, u)).q_cat) trains G",
    );
    let mut s = session(&spec);
    let e = code_recovery(&mut s, 10, 5, 0)
        .expect_err("no code")
        .to_string();
    assert!(e.contains("cross_entropy"), "{e}");
}
