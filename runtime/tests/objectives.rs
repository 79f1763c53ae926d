//! End-to-end checks of the objectives and update rules against the papers' formulas, on tiny
//! networks whose forward pass and gradients are re-implemented here in f64 by hand:
//! WGAN-GP's penalty (Gulrajani et al. 2017), weight clipping (Arjovsky et al. 2017), unrolled
//! GAN (Metz et al. 2017), every f-GAN divergence (Nowozin et al. 2016) and EBGAN's energy of
//! an autoencoder judge (Zhao et al. 2017).
//!
//! Every test compiles a `.gan` spec, takes one judge and/or players' step with SGD, and reads
//! the gradient the runtime used from the parameter change (`-delta / lr`). The reference
//! gradients are central finite differences of the hand-written f64 objective.

mod common;

use candle_core::{DType, Device, Tensor};
use common::init_graph_mode;
use ganc_compiler::check::program::Override;
use ganc_compiler::compile::compile_source;
use ganc_runtime::train::eval::{CallCache, Draw};
use ganc_runtime::train::session::Session;
use ganc_runtime::train::step::{judge_step, players_step, Report};
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// Hidden units of the hand-checked judge `linear(H) -> tanh -> linear(1)`.
const H: usize = 3;
/// Batch size of every test.
const B: usize = 4;

fn session(spec: &str) -> Session {
    init_graph_mode(true);
    let c = compile_source(Path::new("objectives.gan"), spec, &Vec::<Override>::new());
    assert!(!c.has_errors(), "{:#?}", c.diagnostics);
    Session::new(c.program.expect("program"), Device::Cpu).expect("session")
}

/// A spec over `[B, 2]` points with a linear G and a one-hidden-layer tanh D.
fn spec(game: &str, d_optim: &str) -> String {
    format!(
        r#"gan 0.1 tiny
data x: [B, 2] from ring8(std: 0.05)
latent z: [B, 2] ~ normal(0, 1)
generator G(z: [B, 2]) -> [B, 2] {{
  return z -> linear(2)
}}
discriminator D(x: [B, 2]) -> [B, 1] {{
  return x -> linear({H}) -> tanh -> linear(1)
}}
game {{
  {game}
}}
train {{
  batch: {B}
  steps: 1
  optim G: sgd(lr: 1.0)
  optim D: {d_optim}
}}
"#
    )
}

fn points(seed: u64, n: usize) -> Vec<f64> {
    common::rand_tensor(&[n], seed)
        .to_vec1::<f64>()
        .expect("f64 values")
}

fn draw(x: &[f64], x_shape: &[usize], z: &[f64]) -> Draw {
    let t = |v: &[f64], shape: &[usize]| {
        Tensor::from_vec(v.to_vec(), shape, &Device::Cpu)
            .and_then(|t| t.to_dtype(DType::F32))
            .expect("tensor")
    };
    let mut values = HashMap::new();
    values.insert("x".to_string(), t(x, x_shape));
    values.insert("z".to_string(), t(z, &[B, 2]));
    Draw { values }
}

/// All trainable values of `net`, concatenated in creation order (weight `[out, in]` row-major,
/// then bias, layer by layer).
fn flat(session: &Session, net: &str) -> Vec<f64> {
    session.nets[net]
        .params
        .trainable
        .iter()
        .flat_map(|(_, v)| {
            v.as_tensor()
                .flatten_all()
                .and_then(|t| t.to_dtype(DType::F64))
                .and_then(|t| t.to_vec1::<f64>())
                .expect("values")
        })
        .collect()
}

fn reported(report: &Report, name: &str) -> f64 {
    report
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| *v)
        .unwrap_or_else(|| panic!("no `{name}` in {report:?}"))
}

/// The gradient an SGD step with learning rate `lr` applied.
fn applied_gradient(before: &[f64], after: &[f64], lr: f64) -> Vec<f64> {
    before
        .iter()
        .zip(after)
        .map(|(b, a)| (b - a) / lr)
        .collect()
}

fn fd(f: &dyn Fn(&[f64]) -> f64, p: &[f64]) -> Vec<f64> {
    let h = 1e-6;
    (0..p.len())
        .map(|i| {
            let mut q = p.to_vec();
            q[i] += h;
            let plus = f(&q);
            q[i] -= 2.0 * h;
            let minus = f(&q);
            (plus - minus) / (2.0 * h)
        })
        .collect()
}

/// Largest difference relative to the largest reference component.
fn rel_err(got: &[f64], want: &[f64]) -> f64 {
    assert_eq!(got.len(), want.len());
    let scale = want.iter().fold(1e-3f64, |m, w| m.max(w.abs()));
    got.iter()
        .zip(want)
        .fold(0.0f64, |m, (g, w)| m.max((g - w).abs()))
        / scale
}

fn softplus(x: f64) -> f64 {
    x.max(0.0) + (-x.abs()).exp().ln_1p()
}

/// The judge `w2 . tanh(W1 x + b1) + b2` with `p = [W1 (H x n), b1, w2, b2]`.
fn judge(p: &[f64], x: &[f64]) -> f64 {
    let n = x.len();
    let (w1, rest) = p.split_at(H * n);
    let (b1, rest) = rest.split_at(H);
    let (w2, b2) = rest.split_at(H);
    (0..H)
        .map(|j| {
            let pre: f64 = (0..n).map(|k| w1[j * n + k] * x[k]).sum::<f64>() + b1[j];
            w2[j] * pre.tanh()
        })
        .sum::<f64>()
        + b2[0]
}

/// d judge / d x, derived by hand: `W1^T (w2 * (1 - tanh^2(W1 x + b1)))`.
fn judge_input_grad(p: &[f64], x: &[f64]) -> Vec<f64> {
    let n = x.len();
    let (w1, rest) = p.split_at(H * n);
    let (b1, rest) = rest.split_at(H);
    let w2 = &rest[..H];
    let mut g = vec![0.0; n];
    for j in 0..H {
        let pre: f64 = (0..n).map(|k| w1[j * n + k] * x[k]).sum::<f64>() + b1[j];
        let back = w2[j] * (1.0 - pre.tanh().powi(2));
        for k in 0..n {
            g[k] += w1[j * n + k] * back;
        }
    }
    g
}

/// d sum_i c_i(judge(x_i)) / d p, derived by hand, given `dc[i] = c_i'(judge(x_i))`.
fn judge_param_grad(p: &[f64], xs: &[Vec<f64>], dc: &[f64]) -> Vec<f64> {
    let n = xs[0].len();
    let mut g = vec![0.0; p.len()];
    let (w1, rest) = p.split_at(H * n);
    let (b1, rest) = rest.split_at(H);
    let w2 = &rest[..H];
    for (x, c) in xs.iter().zip(dc) {
        for j in 0..H {
            let pre: f64 = (0..n).map(|k| w1[j * n + k] * x[k]).sum::<f64>() + b1[j];
            let t = pre.tanh();
            let back = c * w2[j] * (1.0 - t * t);
            for k in 0..n {
                g[j * n + k] += back * x[k];
            }
            g[H * n + j] += back;
            g[H * n + H + j] += c * t;
        }
        g[H * n + 2 * H] += c;
    }
    g
}

/// The linear generator `W z + b` with `p = [W (2 x 2), b]`, on every row of `z`.
fn generate(p: &[f64], z: &[f64]) -> Vec<Vec<f64>> {
    z.chunks(2)
        .map(|zi| {
            (0..2)
                .map(|o| p[o * 2] * zi[0] + p[o * 2 + 1] * zi[1] + p[4 + o])
                .collect()
        })
        .collect()
}

fn rows(x: &[f64], n: usize) -> Vec<Vec<f64>> {
    x.chunks(n).map(<[f64]>::to_vec).collect()
}

fn mean(v: impl Iterator<Item = f64>) -> f64 {
    let all: Vec<f64> = v.collect();
    all.iter().sum::<f64>() / all.len() as f64
}

#[test]
fn wgan_gp_penalty_and_its_parameter_gradient_match_the_paper_on_per_sample_interpolates() {
    // Samples are [2, 2] so that the norm must run over every non-batch axis.
    let text = r#"gan 0.1 gp
data x: [B, 2, 2] from npy("never_read.npy")
latent z: [B, 2] ~ normal(0, 1)
generator G(z: [B, 2]) -> [B, 2, 2] {
  return z -> linear(4) -> reshape(2, 2)
}
discriminator D(x: [B, 2, 2]) -> [B, 1] {
  return x -> flatten -> linear(3) -> tanh -> linear(1)
}
game {
  loss: wasserstein
  penalty: gradient(10)
}
train {
  batch: 4
  steps: 1
  optim G: sgd(lr: 0.1)
  optim D: sgd(lr: 0.1)
}
"#;
    let mut s = session(text);
    let x = points(1, B * 4);
    let z = points(2, B * 2);
    let d = draw(&x, &[B, 2, 2], &z);
    let pd = flat(&s, "D");
    let pg = flat(&s, "G");
    // The penalty draws one mixing coefficient per example from the run's generator next.
    let eps: Vec<f64> = s
        .rng
        .clone()
        .uniform(&[B], 0.0, 1.0, DType::F64, &Device::Cpu)
        .expect("eps")
        .to_vec1::<f64>()
        .expect("eps values");
    let as_f32 = |v: f64| f64::from(v as f32);
    let eps: Vec<f64> = eps.into_iter().map(as_f32).collect();
    let fake: Vec<Vec<f64>> = z
        .chunks(2)
        .map(|zi| {
            (0..4)
                .map(|o| as_f32(pg[o * 2] * zi[0] + pg[o * 2 + 1] * zi[1] + pg[8 + o]))
                .collect()
        })
        .collect();
    let real = rows(&x, 4);
    let xs: Vec<Vec<f64>> = real
        .iter()
        .map(|r| r.iter().map(|v| as_f32(*v)).collect())
        .collect();
    let interp: Vec<Vec<f64>> = (0..B)
        .map(|i| {
            (0..4)
                .map(|k| eps[i] * xs[i][k] + (1.0 - eps[i]) * fake[i][k])
                .collect()
        })
        .collect();
    let penalty = |p: &[f64]| {
        mean(interp.iter().map(|xh| {
            let g = judge_input_grad(p, xh);
            (g.iter().map(|v| v * v).sum::<f64>().sqrt() - 1.0).powi(2)
        }))
    };
    let mean_norm = mean(interp.iter().map(|xh| {
        judge_input_grad(&pd, xh)
            .iter()
            .map(|v| v * v)
            .sum::<f64>()
            .sqrt()
    }));
    let loss = |p: &[f64]| {
        mean(fake.iter().map(|f| judge(p, f))) - mean(xs.iter().map(|r| judge(p, r)))
            + 10.0 * penalty(p)
    };

    let (report, _) = judge_step(&mut s, &d, 0.0, BTreeSet::new()).expect("judge step");
    let gp = reported(&report, "gp");
    assert!(
        (gp - penalty(&pd)).abs() < 1e-5 * (1.0 + gp.abs()),
        "gp {gp} vs {}",
        penalty(&pd)
    );
    assert!((reported(&report, "grad_norm") - mean_norm).abs() < 1e-5);
    assert!((reported(&report, "d_loss") - loss(&pd)).abs() < 1e-4);
    // The gradient of the penalty needs second-order terms; they reach every layer of D.
    let got = applied_gradient(&pd, &flat(&s, "D"), 0.1);
    let want = fd(&loss, &pd);
    let pen_grad = fd(&penalty, &pd);
    assert!(
        pen_grad.iter().take(12).any(|g| g.abs() > 1e-2),
        "{pen_grad:?}"
    );
    assert!(rel_err(&got, &want) < 1e-4, "got {got:?}\nwant {want:?}");
}

#[test]
fn weight_clipping_bounds_every_trainable_variable_but_not_batch_norm_statistics() {
    let text = r#"gan 0.1 clip
data x: [B, 2] from ring8(std: 0.05)
latent z: [B, 2] ~ normal(0, 1)
generator G(z: [B, 2]) -> [B, 2] {
  return z -> linear(8) -> relu -> linear(2)
}
discriminator D(x: [B, 2]) -> [B, 1] {
  return x -> linear(8) -> batchnorm -> leaky_relu(0.2) -> linear(1)
}
game {
  loss: wasserstein
  constrain D: clip(0.01)
}
train {
  batch: 4
  steps: 1
  optim G: rmsprop(lr: 5e-5)
  optim D: rmsprop(lr: 5e-5)
}
"#;
    let mut s = session(text);
    let d = draw(&points(3, B * 2), &[B, 2], &points(4, B * 2));
    // PyTorch's default init draws weights far outside [-0.01, 0.01].
    assert!(flat(&s, "D").iter().any(|v| v.abs() > 0.1));
    let g_before = flat(&s, "G");
    judge_step(&mut s, &d, 0.0, BTreeSet::new()).expect("judge step");
    let after = flat(&s, "D");
    assert!(after.iter().all(|v| v.abs() <= 0.01 + 1e-9), "{after:?}");
    assert!(after.iter().any(|v| (v.abs() - 0.01).abs() < 1e-9));
    // Running variances start at 1 and move 10% towards the batch variance: never clipped.
    let buffers: Vec<f64> = s.nets["D"]
        .params
        .buffers
        .iter()
        .flat_map(|(_, v)| {
            v.as_tensor()
                .flatten_all()
                .and_then(|t| t.to_dtype(DType::F64))
                .and_then(|t| t.to_vec1::<f64>())
                .expect("buffers")
        })
        .collect();
    assert!(buffers.iter().any(|v| *v > 0.5), "{buffers:?}");
    assert_eq!(flat(&s, "G"), g_before, "the generator is not clipped");
}

/// How the judge's look-ahead moves: plain SGD, or Adam (PyTorch's form) from zero moments,
/// the state of a judge that has not been trained yet.
#[derive(Clone, Copy)]
enum Inner {
    Sgd { lr: f64 },
    Adam { lr: f64, b1: f64, b2: f64, eps: f64 },
}

/// D's parameters after `k` steps of `inner` on its non-saturating loss, all on the same batch.
fn unrolled(pd: &[f64], real: &[Vec<f64>], fake: &[Vec<f64>], inner: Inner, k: usize) -> Vec<f64> {
    let mut p = pd.to_vec();
    let (mut m, mut v) = (vec![0.0; p.len()], vec![0.0; p.len()]);
    let n = real.len() as f64;
    for t in 1..=k {
        // d/dv softplus(-v) = -sigmoid(-v); d/dv softplus(v) = sigmoid(v).
        let sig = |v: f64| 1.0 / (1.0 + (-v).exp());
        let dr: Vec<f64> = real.iter().map(|x| -sig(-judge(&p, x)) / n).collect();
        let df: Vec<f64> = fake.iter().map(|x| sig(judge(&p, x)) / n).collect();
        let gr = judge_param_grad(&p, real, &dr);
        let gf = judge_param_grad(&p, fake, &df);
        for i in 0..p.len() {
            let g = gr[i] + gf[i];
            match inner {
                Inner::Sgd { lr } => p[i] -= lr * g,
                Inner::Adam { lr, b1, b2, eps } => {
                    m[i] = b1 * m[i] + (1.0 - b1) * g;
                    v[i] = b2 * v[i] + (1.0 - b2) * g * g;
                    let (bc1, bc2) = (1.0 - b1.powi(t as i32), 1.0 - b2.powi(t as i32));
                    p[i] -= lr / bc1 * m[i] / (v[i].sqrt() / bc2.sqrt() + eps);
                }
            }
        }
    }
    p
}

/// G's applied gradient in an unrolled game whose judge trains with `optim_d` (the same rule
/// as `inner`) must equal finite differences of Metz et al.'s surrogate at the look-ahead
/// judge: G's loss on its samples plus the saddle objective's real-data term, which depends
/// on G only through the look-ahead.
fn check_unrolled_gradient(inner: Inner, optim_d: &str) {
    let k = 3;
    let mut s = session(&spec(
        &format!("loss: non_saturating\n  unroll: {k}"),
        optim_d,
    ));
    let x = points(5, B * 2);
    let z = points(6, B * 2);
    let d = draw(&x, &[B, 2], &z);
    let (pd, pg) = (flat(&s, "D"), flat(&s, "G"));
    let real = rows(&x, 2);
    // (G's non-saturating loss, the real-data term: E_x log D^K(x) = -E_x softplus(-D^K(x))).
    let parts = |steps: usize, g: &[f64]| {
        let fake = generate(g, &z);
        let p = unrolled(&pd, &real, &fake, inner, steps);
        (
            mean(fake.iter().map(|f| softplus(-judge(&p, f)))),
            -mean(real.iter().map(|r| softplus(-judge(&p, r)))),
        )
    };
    let objective = |steps: usize| {
        move |g: &[f64]| {
            let (fake, real) = parts(steps, g);
            fake + real
        }
    };
    let report = players_step(&mut s, &d, 0.0, CallCache::new()).expect("players step");
    let got = applied_gradient(&pg, &flat(&s, "G"), 1.0);
    let want = fd(&objective(k), &pg);
    let plain = fd(&objective(0), &pg);
    let (fake_part, real_part) = parts(k, &pg);
    assert!(
        (reported(&report, "g_adv") - fake_part).abs() < 1e-5,
        "{optim_d}: {} vs {fake_part} (not unrolled: {})",
        reported(&report, "g_adv"),
        parts(0, &pg).0
    );
    assert!(
        (reported(&report, "g_unrolled_real") - real_part).abs() < 1e-5,
        "{optim_d}: {} vs {real_part}",
        reported(&report, "g_unrolled_real")
    );
    let real_only = fd(&|g: &[f64]| parts(k, g).1, &pg);
    assert!(
        real_only.iter().any(|v| v.abs() > 1e-3),
        "{optim_d}: the real-data term does not reach G: {real_only:?}"
    );
    assert!(
        rel_err(&got, &want) < 1e-4,
        "{optim_d}: got {got:?}\nwant {want:?}"
    );
    assert!(
        rel_err(&plain, &want) > 1e-2,
        "{optim_d}: unrolling changed nothing: {plain:?}"
    );
    assert_eq!(flat(&s, "D"), pd, "the look-ahead never updates the judge");
}

#[test]
fn unrolled_generator_gradient_equals_finite_differences_through_sgd_judge_updates() {
    check_unrolled_gradient(Inner::Sgd { lr: 0.5 }, "sgd(lr: 0.5)");
}

#[test]
fn unrolled_generator_gradient_equals_finite_differences_through_adam_judge_updates() {
    let inner = Inner::Adam {
        lr: 0.05,
        b1: 0.5,
        b2: 0.9,
        eps: 1e-3,
    };
    check_unrolled_gradient(inner, "adam(lr: 0.05, betas: [0.5, 0.9], eps: 1e-3)");
}

/// A real function of a real variable.
type Scalar = fn(f64) -> f64;

/// Nowozin et al. 2016, table 6: output activation g_f and conjugate f*, kept separate.
fn f_gan_table(div: &str) -> (Scalar, Scalar) {
    match div {
        "kl" => (|v| v, |t| (t - 1.0).exp()),
        "reverse_kl" => (|v| -(-v).exp(), |t| -1.0 - (-t).ln()),
        "pearson" => (|v| v, |t| t * t / 4.0 + t),
        "hellinger" => (|v| 1.0 - (-v).exp(), |t| t / (1.0 - t)),
        "js" => (
            |v| std::f64::consts::LN_2 - softplus(-v),
            |t| -(2.0 - t.exp()).ln(),
        ),
        "tv" => (|v| 0.5 * v.tanh(), |t| t),
        other => panic!("no divergence {other}"),
    }
}

#[test]
fn every_f_gan_divergence_trains_one_step_as_the_paper_says() {
    for div in ["kl", "reverse_kl", "js", "pearson", "hellinger", "tv"] {
        let (g_f, conj) = f_gan_table(div);
        let mut s = session(&spec(&format!("loss: f_gan({div})"), "sgd(lr: 0.5)"));
        let x = points(7, B * 2);
        let z = points(8, B * 2);
        let d = draw(&x, &[B, 2], &z);
        let (pd, pg) = (flat(&s, "D"), flat(&s, "G"));
        let real: Vec<Vec<f64>> = rows(&x, 2)
            .into_iter()
            .map(|r| r.into_iter().map(|v| f64::from(v as f32)).collect())
            .collect();
        let fake = generate(&pg, &z);
        // D maximises E_P[g_f(v)] - E_Q[f*(g_f(v))] (eq. 6 with V = g_f o v).
        let d_loss = |p: &[f64]| {
            mean(fake.iter().map(|f| conj(g_f(judge(p, f)))))
                - mean(real.iter().map(|r| g_f(judge(p, r))))
        };
        let (report, _) = judge_step(&mut s, &d, 0.0, BTreeSet::new()).expect("judge step");
        assert!(
            (reported(&report, "d_loss") - d_loss(&pd)).abs() < 1e-5,
            "{div}: {} vs {}",
            reported(&report, "d_loss"),
            d_loss(&pd)
        );
        let pd1 = flat(&s, "D");
        let got = applied_gradient(&pd, &pd1, 0.5);
        assert!(
            rel_err(&got, &fd(&d_loss, &pd)) < 1e-4,
            "{div}: judge gradient"
        );
        // G maximises E_Q[g_f(v)] (section 3.2, the non-saturating update), against the updated D.
        let g_loss = |g: &[f64]| -mean(generate(g, &z).iter().map(|f| g_f(judge(&pd1, f))));
        let report = players_step(&mut s, &d, 0.0, CallCache::new()).expect("players step");
        assert!(
            (reported(&report, "g_loss") - g_loss(&pg)).abs() < 1e-5,
            "{div}: g_loss"
        );
        let got = applied_gradient(&pg, &flat(&s, "G"), 1.0);
        assert!(
            rel_err(&got, &fd(&g_loss, &pg)) < 1e-4,
            "{div}: generator gradient"
        );
    }
}

#[test]
fn ebgan_energy_of_an_autoencoder_judge_is_its_per_sample_reconstruction_error() {
    let margin = 0.5;
    let text = format!(
        r#"gan 0.1 ebgan
data x: [B, 2] from ring8(std: 0.05)
latent z: [B, 2] ~ normal(0, 1)
generator G(z: [B, 2]) -> [B, 2] {{
  return z -> linear(2)
}}
discriminator D(x: [B, 2]) -> [B, 2] {{
  code = x -> linear(3) -> tanh
  return code -> linear(2)
}}
game {{
  loss: energy(margin: {margin})
  term pt: 0.1 * pull_away(D(G(z)).code) trains G
}}
train {{
  batch: {B}
  steps: 1
  optim G: sgd(lr: 1.0)
  optim D: sgd(lr: 0.5)
}}
"#
    );
    let mut s = session(&text);
    let x = points(9, B * 2);
    let z = points(10, B * 2);
    let d = draw(&x, &[B, 2], &z);
    let (pd, pg) = (flat(&s, "D"), flat(&s, "G"));
    let real: Vec<Vec<f64>> = rows(&x, 2)
        .into_iter()
        .map(|r| r.into_iter().map(|v| f64::from(v as f32)).collect())
        .collect();
    // p = [W_enc (3x2), b_enc, W_dec (2x3), b_dec].
    let code = |p: &[f64], x: &[f64]| -> Vec<f64> {
        (0..3)
            .map(|j| (p[j * 2] * x[0] + p[j * 2 + 1] * x[1] + p[6 + j]).tanh())
            .collect()
    };
    let energy = |p: &[f64], x: &[f64]| {
        let c = code(p, x);
        mean((0..2).map(|o| {
            let r = (0..3).map(|j| p[9 + o * 3 + j] * c[j]).sum::<f64>() + p[15 + o];
            (r - x[o]).powi(2)
        }))
    };
    let fake = generate(&pg, &z);
    let d_loss = |p: &[f64]| {
        mean(real.iter().map(|r| energy(p, r)))
            + mean(fake.iter().map(|f| (margin - energy(p, f)).max(0.0)))
    };
    assert!(
        fake.iter().any(|f| energy(&pd, f) < margin),
        "the hinge is active"
    );
    let (report, _) = judge_step(&mut s, &d, 0.0, BTreeSet::new()).expect("judge step");
    assert!((reported(&report, "d_loss") - d_loss(&pd)).abs() < 1e-5);
    let pd1 = flat(&s, "D");
    let got = applied_gradient(&pd, &pd1, 0.5);
    assert!(rel_err(&got, &fd(&d_loss, &pd)) < 1e-4, "judge gradient");
    // G minimises E(G(z)) + 0.1 * pull-away of the codes (Zhao et al. 2017, eq. 6).
    let g_loss = |g: &[f64]| {
        let fake = generate(g, &z);
        let codes: Vec<Vec<f64>> = fake.iter().map(|f| code(&pd1, f)).collect();
        let mut pt = 0.0;
        for (i, a) in codes.iter().enumerate() {
            for (j, b) in codes.iter().enumerate() {
                if i != j {
                    let dot: f64 = a.iter().zip(b).map(|(u, v)| u * v).sum();
                    let na = a.iter().map(|u| u * u).sum::<f64>().sqrt();
                    let nb = b.iter().map(|u| u * u).sum::<f64>().sqrt();
                    pt += (dot / (na * nb)).powi(2);
                }
            }
        }
        mean(fake.iter().map(|f| energy(&pd1, f))) + 0.1 * pt / (B * (B - 1)) as f64
    };
    let report = players_step(&mut s, &d, 0.0, CallCache::new()).expect("players step");
    assert!((reported(&report, "g_loss") - g_loss(&pg)).abs() < 1e-5);
    let got = applied_gradient(&pg, &flat(&s, "G"), 1.0);
    assert!(
        rel_err(&got, &fd(&g_loss, &pg)) < 1e-4,
        "generator gradient"
    );
}
