//! InfoGAN's mutual-information term (Chen et al. 2016) on a tiny linear network, against a
//! hand computation in f64: its value, which networks its gradient reaches in each step, and
//! that the judge step reuses the fake call instead of running the judge again.

use candle_core::{Device, Tensor};
use ganc_compiler::check::program::Override;
use ganc_compiler::compile::compile_source;
use ganc_runtime::train::eval::Draw;
use ganc_runtime::train::session::Session;
use ganc_runtime::train::step::{judge_step, players_step};
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// G is one linear layer on `[z, onehot(c), u]`; D's three heads are linear layers on x.
const SPEC: &str = r#"
gan tiny_info
data x: [B, 2] from ring8(std: 0.05)
latent z: [B, 1] ~ normal(0, 1)
latent c: class(3) ~ categorical
latent u: [B, 1] ~ uniform(-1, 1)
generator G(z: [B, 1], c: class(3), u: [B, 1]) -> [B, 2] {
  return cat(z, onehot(c, 3), u) -> linear(2)
}
discriminator D(x: [B, 2]) -> (adv: [B, 1], q_cat: [B, 3], q_cont: [B, 1]) {
  return (adv: x -> linear(1), q_cat: x -> linear(3), q_cont: x -> linear(1))
}
game {
  loss: non_saturating
  real: D(x).adv
  fake: D(G(z, c, u)).adv
  term info: 1.0 * cross_entropy(D(G(z, c, u)).q_cat, c) + 0.1 * mse(D(G(z, c, u)).q_cont, u) trains G, D
}
train {
  batch: 4
  steps: 1
  seed: 3
  init: normal(0.5)
  optim G: sgd(lr: 0.1)
  optim D: sgd(lr: 0.1)
  sample_every: 0
}
"#;

const LR: f64 = 0.1;
const X: [[f64; 2]; 4] = [[1.0, 0.0], [0.0, -1.0], [0.7, 0.7], [-0.5, 0.2]];
const Z: [f64; 4] = [0.3, -1.2, 0.8, 0.1];
const C: [u32; 4] = [0, 2, 1, 2];
const U: [f64; 4] = [-0.6, 0.9, 0.1, -0.3];

fn session(spec: &str) -> Session {
    let c = compile_source(Path::new("tiny.gan"), spec, &Vec::<Override>::new());
    assert!(!c.has_errors(), "{:#?}", c.diagnostics);
    Session::new(c.program.expect("program"), Device::Cpu).expect("session")
}

fn draw() -> Draw {
    let dev = Device::Cpu;
    let x: Vec<f32> = X.iter().flatten().map(|v| *v as f32).collect();
    let f = |v: &[f64]| Tensor::from_vec(v.iter().map(|a| *a as f32).collect(), (4, 1), &dev);
    let mut values = HashMap::new();
    values.insert("x".into(), Tensor::from_vec(x, (4, 2), &dev).unwrap());
    values.insert("z".into(), f(&Z).unwrap());
    values.insert("u".into(), f(&U).unwrap());
    values.insert("c".into(), Tensor::from_vec(C.to_vec(), 4, &dev).unwrap());
    Draw { values }
}

/// Every trainable variable of `net` by name, as f64.
fn params(s: &Session, net: &str) -> HashMap<String, Vec<f64>> {
    s.nets[net]
        .params
        .trainable
        .iter()
        .map(|(n, v)| {
            let vals = v
                .as_tensor()
                .flatten_all()
                .unwrap()
                .to_vec1::<f32>()
                .unwrap();
            (n.clone(), vals.into_iter().map(f64::from).collect())
        })
        .collect()
}

/// Variables by name, as f64.
type Params = HashMap<String, Vec<f64>>;

/// The one variable of `p` whose name ends with `suffix`.
fn get<'a>(p: &'a HashMap<String, Vec<f64>>, suffix: &str) -> &'a Vec<f64> {
    let hits: Vec<_> = p.iter().filter(|(n, _)| n.ends_with(suffix)).collect();
    assert_eq!(
        hits.len(),
        1,
        "variables ending with {suffix}: {:?}",
        p.keys()
    );
    hits[0].1
}

fn key<'a>(p: &'a HashMap<String, Vec<f64>>, suffix: &str) -> &'a str {
    p.keys().find(|n| n.ends_with(suffix)).expect("variable")
}

/// `W v + b` for a row-major `[out, in]` weight.
fn affine(w: &[f64], b: &[f64], v: &[f64]) -> Vec<f64> {
    b.iter()
        .enumerate()
        .map(|(o, bo)| {
            bo + v
                .iter()
                .enumerate()
                .map(|(i, vi)| w[o * v.len() + i] * vi)
                .sum::<f64>()
        })
        .collect()
}

fn softplus(x: f64) -> f64 {
    x.max(0.0) + (-x.abs()).exp().ln_1p()
}

/// G's outputs for the fixed draw.
fn generated(g: &HashMap<String, Vec<f64>>) -> Vec<Vec<f64>> {
    (0..4)
        .map(|b| {
            let mut input = vec![Z[b], 0.0, 0.0, 0.0, U[b]];
            input[1 + C[b] as usize] = 1.0;
            affine(get(g, "linear.weight"), get(g, "linear.bias"), &input)
        })
        .collect()
}

/// `cross_entropy(q_cat, c) + 0.1 * mse(q_cont, u)` on G's outputs, by hand.
fn info(g: &HashMap<String, Vec<f64>>, d: &HashMap<String, Vec<f64>>) -> f64 {
    let (mut ce, mut se) = (0.0, 0.0);
    for (b, gx) in generated(g).iter().enumerate() {
        let logits = affine(
            get(d, "q_cat.linear.weight"),
            get(d, "q_cat.linear.bias"),
            gx,
        );
        let max = logits.iter().cloned().fold(f64::MIN, f64::max);
        let lse = max + logits.iter().map(|l| (l - max).exp()).sum::<f64>().ln();
        ce += lse - logits[C[b] as usize];
        let mu = affine(
            get(d, "q_cont.linear.weight"),
            get(d, "q_cont.linear.bias"),
            gx,
        )[0];
        se += (mu - U[b]).powi(2);
    }
    ce / 4.0 + 0.1 * se / 4.0
}

/// The non-saturating generator loss `mean softplus(-D(G(z)).adv)`, by hand.
fn g_adv(g: &HashMap<String, Vec<f64>>, d: &HashMap<String, Vec<f64>>) -> f64 {
    generated(g)
        .iter()
        .map(|gx| softplus(-affine(get(d, "adv.linear.weight"), get(d, "adv.linear.bias"), gx)[0]))
        .sum::<f64>()
        / 4.0
}

/// Central finite differences of `f` with respect to every value of variable `name` in `p`.
fn fd_grad(p: &HashMap<String, Vec<f64>>, name: &str, f: &dyn Fn(&Params) -> f64) -> Vec<f64> {
    let h = 1e-6;
    (0..p[name].len())
        .map(|i| {
            let mut plus = p.clone();
            plus.get_mut(name).unwrap()[i] += h;
            let mut minus = p.clone();
            minus.get_mut(name).unwrap()[i] -= h;
            (f(&plus) - f(&minus)) / (2.0 * h)
        })
        .collect()
}

fn assert_close(actual: &[f64], expected: &[f64], tol: f64, what: &str) {
    assert_eq!(actual.len(), expected.len(), "{what}");
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert!((a - e).abs() <= tol, "{what}[{i}]: got {a}, expected {e}");
    }
}

fn players() -> BTreeSet<String> {
    ["G".to_string()].into_iter().collect()
}

#[test]
fn info_term_value_matches_hand_computed_cross_entropy_and_mse() {
    let mut s = session(SPEC);
    let (g, d) = (params(&s, "G"), params(&s, "D"));
    let expected = info(&g, &d);
    // Not a degenerate case: Q is far from certain and the codes are not recovered exactly.
    assert!(expected > 0.3, "{expected}");
    let (report, _) = judge_step(&mut s, &draw(), 0.0, players()).unwrap();
    let got = report
        .iter()
        .find(|(n, _)| n == "info")
        .expect("info reported")
        .1;
    assert!(
        (got - expected).abs() < 1e-5,
        "info {got}, by hand {expected}"
    );
}

#[test]
fn judge_step_moves_q_heads_by_the_info_gradient_and_never_touches_g() {
    let mut s = session(SPEC);
    let (g0, d0) = (params(&s, "G"), params(&s, "D"));
    judge_step(&mut s, &draw(), 0.0, players()).unwrap();
    assert_eq!(params(&s, "G"), g0, "the judge step changed G");
    let d1 = params(&s, "D");
    // The Q heads appear only in the info term, so SGD moves them by exactly its gradient.
    for head in [
        "q_cat.linear.weight",
        "q_cat.linear.bias",
        "q_cont.linear.weight",
    ] {
        let name = key(&d0, head);
        let grad = fd_grad(&d0, name, &|d| info(&g0, d));
        assert!(grad.iter().any(|v| v.abs() > 1e-3), "{head}: no gradient");
        let expected: Vec<f64> = d0[name]
            .iter()
            .zip(&grad)
            .map(|(p, g)| p - LR * g)
            .collect();
        assert_close(&d1[name], &expected, 1e-5, head);
    }
}

#[test]
fn players_step_moves_g_by_the_adversarial_plus_info_gradient() {
    let mut s = session(SPEC);
    let g0 = params(&s, "G");
    let (_, kept) = judge_step(&mut s, &draw(), 0.0, players()).unwrap();
    let d1 = params(&s, "D");
    players_step(&mut s, &draw(), 0.0, kept).unwrap();
    assert_eq!(params(&s, "D"), d1, "the players' step changed D");
    let g1 = params(&s, "G");
    let w = key(&g0, "linear.weight");
    let with_info = fd_grad(&g0, w, &|g| g_adv(g, &d1) + info(g, &d1));
    let adv_only = fd_grad(&g0, w, &|g| g_adv(g, &d1));
    let expected: Vec<f64> = g0[w]
        .iter()
        .zip(&with_info)
        .map(|(p, g)| p - LR * g)
        .collect();
    assert_close(&g1[w], &expected, 1e-5, "G's weight");
    // The info term's share of the update is far above the tolerance: it did reach G.
    let info_share = with_info
        .iter()
        .zip(&adv_only)
        .map(|(a, b)| (LR * (a - b)).abs())
        .fold(0.0, f64::max);
    assert!(info_share > 1e-3, "info moved G by at most {info_share}");
}

#[test]
fn judge_step_runs_the_judge_once_per_side_for_the_term_too() {
    // D normalises its input with batch norm (momentum 0.5): each training-mode call of D moves
    // the running mean once, so the number of calls can be read off it.
    let spec = SPEC.replace(
        "return (adv: x -> linear(1), q_cat: x -> linear(3), q_cont: x -> linear(1))",
        "f = x -> batchnorm(momentum: 0.5, affine: false)\n  \
         return (adv: f -> linear(1), q_cat: f -> linear(3), q_cont: f -> linear(1))",
    );
    let mut s = session(&spec);
    let g = params(&s, "G");
    judge_step(&mut s, &draw(), 0.0, players()).unwrap();
    let mean = |rows: &[Vec<f64>], j: usize| rows.iter().map(|r| r[j]).sum::<f64>() / 4.0;
    let real: Vec<Vec<f64>> = X.iter().map(|r| r.to_vec()).collect();
    let fake = generated(&g);
    let running = s.nets["D"]
        .params
        .buffers
        .iter()
        .find(|(n, _)| n.ends_with("running_mean"))
        .map(|(_, v)| v.as_tensor().to_vec1::<f32>().unwrap())
        .expect("running mean");
    assert_eq!(running.len(), 2);
    for (j, run) in running.iter().enumerate() {
        // Real call, then fake call; a third call for the term would move it again.
        let expected = 0.5 * (0.5 * mean(&real, j)) + 0.5 * mean(&fake, j);
        assert!(
            (f64::from(*run) - expected).abs() < 1e-5,
            "running mean[{j}] {run} != {expected}"
        );
    }
}
