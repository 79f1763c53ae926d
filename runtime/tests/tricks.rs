//! The training tricks of Salimans et al. 2016 and Sønderby et al. 2017, each through the
//! compiler and one real update step, against values computed by hand in f64 on tiny inputs:
//! feature matching, minibatch discrimination, historical averaging, virtual batch norm,
//! one-sided label smoothing and annealed instance noise.

use candle_core::{DType, Device, Tensor};
use ganc_runtime::ganc_compiler::check::program::Override;
use ganc_runtime::ganc_compiler::compile::compile_source;
use ganc_runtime::ganc_compiler::graph::{CallOutput, GameExprKind, LossFn, Op, Program};
use ganc_runtime::model::{forward, ForwardMode};
use ganc_runtime::rng::RunRng;
use ganc_runtime::train::eval::{CallCache, Draw};
use ganc_runtime::train::feed::Feeder;
use ganc_runtime::train::iteration::iteration;
use ganc_runtime::train::run::instance_noise;
use ganc_runtime::train::session::Session;
use ganc_runtime::train::step::{judge_step, players_step, Report};
use ganc_runtime::train::vbn;
use std::collections::BTreeSet;
use std::path::Path;

fn compile(text: &str) -> Program {
    let c = compile_source(Path::new("tricks.gan"), text, &Vec::<Override>::new());
    assert!(!c.has_errors(), "{:#?}", c.diagnostics);
    c.program.expect("program")
}

fn session(text: &str) -> Session {
    Session::new(compile(text), Device::Cpu).unwrap()
}

/// A spec with G: z[1] -> linear(2), D: x[2] -> f = linear(2) -> linear(1), SGD for both,
/// and `game_extra` added to the game section.
fn spec(game_extra: &str) -> String {
    format!(
        r#"
gan tricks_tiny
data x: [B, 2] from ring8(std: 0.05)
latent z: [B, 1] ~ normal(0, 1)
generator G(z: [B, 1]) -> [B, 2] {{
  return z -> linear(2)
}}
discriminator D(x: [B, 2]) -> [B, 1] {{
  f = x -> linear(2)
  return f -> linear(1)
}}
game {{
  loss: non_saturating
  {game_extra}
}}
train {{
  batch: 2
  steps: 1
  seed: 3
  optim G: sgd(lr: 0.1)
  optim D: sgd(lr: 0.1)
}}
"#
    )
}

// Hand-chosen values. G(z) = Wg z + bg; D.f = W1 x + b1; D = w2 . f + b2.
const WG: [f64; 2] = [0.5, -1.0];
const BG: [f64; 2] = [0.25, 0.5];
const W1: [[f64; 2]; 2] = [[1.0, -0.5], [0.25, 2.0]];
const B1: [f64; 2] = [0.1, -0.2];
const W2: [f64; 2] = [0.75, -0.25];
const B2: f64 = 0.3;
const X: [[f64; 2]; 2] = [[1.0, 2.0], [-0.5, 0.5]];
const Z: [f64; 2] = [0.4, -1.2];

fn t(v: &[f64], shape: &[usize]) -> Tensor {
    let data: Vec<f32> = v.iter().map(|&x| x as f32).collect();
    Tensor::from_vec(data, shape, &Device::Cpu).unwrap()
}

fn flat(t: &Tensor) -> Vec<f64> {
    t.to_dtype(DType::F64)
        .unwrap()
        .flatten_all()
        .unwrap()
        .to_vec1()
        .unwrap()
}

fn set(session: &Session, name: &str, values: &[f64]) {
    let (net, _) = name.split_once('.').unwrap();
    let var = session.nets[net]
        .params
        .get(name)
        .unwrap_or_else(|| panic!("no variable {name}"));
    var.set(&t(values, var.dims())).unwrap();
}

fn get(session: &Session, name: &str) -> Vec<f64> {
    let (net, _) = name.split_once('.').unwrap();
    flat(session.nets[net].params.get(name).unwrap().as_tensor())
}

/// The (only) trainable variable names of `net`, weight before bias, layer by layer.
fn names(session: &Session, net: &str) -> Vec<String> {
    session.nets[net]
        .params
        .trainable
        .iter()
        .map(|(n, _)| n.clone())
        .collect()
}

fn set_hand_values(session: &Session) {
    let g = names(session, "G");
    set(session, &g[0], &WG);
    set(session, &g[1], &BG);
    let d = names(session, "D");
    set(session, &d[0], &[W1[0][0], W1[0][1], W1[1][0], W1[1][1]]);
    set(session, &d[1], &B1);
    set(session, &d[2], &W2);
    set(session, &d[3], &[B2]);
}

fn hand_draw() -> Draw {
    let mut draw = Draw::default();
    draw.values.insert(
        "x".into(),
        t(&[X[0][0], X[0][1], X[1][0], X[1][1]], &[2, 2]),
    );
    draw.values.insert("z".into(), t(&Z, &[2, 1]));
    draw
}

fn generated() -> [[f64; 2]; 2] {
    Z.map(|z| [WG[0] * z + BG[0], WG[1] * z + BG[1]])
}

fn features(x: [f64; 2]) -> [f64; 2] {
    [
        W1[0][0] * x[0] + W1[0][1] * x[1] + B1[0],
        W1[1][0] * x[0] + W1[1][1] * x[1] + B1[1],
    ]
}

fn judge(x: [f64; 2]) -> f64 {
    let f = features(x);
    W2[0] * f[0] + W2[1] * f[1] + B2
}

fn softplus(v: f64) -> f64 {
    (1.0 + v.exp()).ln()
}

fn reported(report: &Report, key: &str) -> f64 {
    report
        .iter()
        .find(|(k, _)| k == key)
        .unwrap_or_else(|| panic!("no `{key}` in {report:?}"))
        .1
}

fn close(got: f64, want: f64, what: &str) {
    assert!(
        (got - want).abs() <= 1e-5 * (1.0 + want.abs()),
        "{what}: got {got}, want {want}"
    );
}

#[test]
fn feature_matching_compiles_to_the_judges_real_and_fake_feature_and_matches_hand_value() {
    let mut s = session(&spec("term fm: feature_matching(D.f) trains G"));
    let term = &s.program.game.terms[0];
    assert_eq!(term.trains, vec!["G".to_string()]);
    let GameExprKind::Loss { func, args } = &term.expr.kind else {
        panic!("fm is not a loss: {:?}", term.expr.kind);
    };
    assert_eq!(*func, LossFn::FeatureMatching);
    let f_node = s.nets["D"]
        .net
        .nodes
        .iter()
        .position(|n| n.name == "f" || n.name.starts_with("f."))
        .expect("D has the node f");
    let mut sides = Vec::new();
    for a in args {
        let GameExprKind::Call {
            network,
            args,
            output,
        } = &a.kind
        else {
            panic!("operand is not a call: {:?}", a.kind);
        };
        assert_eq!(network, "D");
        let CallOutput::Feature(id) = output else {
            panic!("operand reads {output:?}, not a feature");
        };
        assert_eq!(id.0, f_node, "the feature read is D's binding f");
        sides.push(match &args[0].kind {
            GameExprKind::Data(n) => format!("data {n}"),
            GameExprKind::Call { network, .. } => format!("call {network}"),
            k => format!("{k:?}"),
        });
    }
    assert_eq!(sides, vec!["data x".to_string(), "call G".to_string()]);

    set_hand_values(&s);
    let draw = hand_draw();
    let (judge_report, kept) = judge_step(&mut s, &draw, 0.0, BTreeSet::new()).unwrap();
    assert!(
        judge_report.iter().all(|(k, _)| k != "fm"),
        "the judge step must not use a term that trains only G"
    );
    // D changed in the judge step: read its new first layer for the hand value.
    let d = names(&s, "D");
    let w1 = get(&s, &d[0]);
    let b1 = get(&s, &d[1]);
    let feat = |x: [f64; 2]| {
        [
            w1[0] * x[0] + w1[1] * x[1] + b1[0],
            w1[2] * x[0] + w1[3] * x[1] + b1[1],
        ]
    };
    let fake = generated();
    let mut want = 0.0;
    for c in 0..2 {
        let real_mean = (feat(X[0])[c] + feat(X[1])[c]) / 2.0;
        let fake_mean = (feat(fake[0])[c] + feat(fake[1])[c]) / 2.0;
        want += (real_mean - fake_mean).powi(2);
    }
    let report = players_step(&mut s, &draw, 0.0, kept).unwrap();
    close(reported(&report, "fm"), want, "feature matching");
    close(
        reported(&report, "g_loss"),
        reported(&report, "g_adv") + want,
        "G's loss is the adversarial loss plus the term",
    );
}

#[test]
fn one_sided_label_smoothing_sets_the_real_target_only() {
    let mut s = session(&spec("smooth_real: 0.9"));
    set_hand_values(&s);
    let (report, _) = judge_step(&mut s, &hand_draw(), 0.0, BTreeSet::new()).unwrap();
    // -[0.9 log s(r) + 0.1 log(1 - s(r))] = softplus(r) - 0.9 r; fakes keep target 0.
    let real: Vec<f64> = X.iter().map(|&x| judge(x)).collect();
    let fake: Vec<f64> = generated().iter().map(|&x| judge(x)).collect();
    let want = real.iter().map(|&r| softplus(r) - 0.9 * r).sum::<f64>() / 2.0
        + fake.iter().map(|&f| softplus(f)).sum::<f64>() / 2.0;
    close(reported(&report, "d_adv"), want, "smoothed judge loss");
    // The generator's target stays 1 (one-sided): -log s(f) = softplus(-f).
    let mut s = session(&spec("smooth_real: 0.9"));
    set_hand_values(&s);
    let report = players_step(&mut s, &hand_draw(), 0.0, CallCache::new()).unwrap();
    let want_g = fake.iter().map(|&f| softplus(-f)).sum::<f64>() / 2.0;
    close(
        reported(&report, "g_adv"),
        want_g,
        "unsmoothed generator loss",
    );
}

#[test]
fn historical_averaging_adds_the_penalty_and_updates_the_running_mean() {
    let weight = 0.5;
    let lr = 0.1;
    let mut plain = session(&spec(""));
    let mut hist = session(&spec(&format!("historical_average: {weight}")));
    assert_eq!(hist.program.game.historical_average, Some(weight));
    set_hand_values(&plain);
    set_hand_values(&hist);
    // Pretend three updates happened, with these running means of D's parameters.
    let d = names(&hist, "D");
    let means: Vec<Vec<f64>> = vec![
        vec![0.9, -0.4, 0.5, 1.5],
        vec![0.0, 0.0],
        vec![1.0, -1.0],
        vec![0.5],
    ];
    let step = 3u64;
    hist.step = step;
    plain.step = step;
    for (name, m) in d.iter().zip(&means) {
        let dims = hist.nets["D"].params.get(name).unwrap().dims().to_vec();
        hist.hist.insert(name.clone(), t(m, &dims));
    }
    let before: Vec<Vec<f64>> = d.iter().map(|n| get(&hist, n)).collect();
    let penalty: f64 = before
        .iter()
        .zip(&means)
        .flat_map(|(p, m)| p.iter().zip(m).map(|(a, b)| (a - b).powi(2)))
        .sum::<f64>()
        * weight;
    let draw = hand_draw();
    let (rp, _) = judge_step(&mut plain, &draw, 0.0, BTreeSet::new()).unwrap();
    let (rh, _) = judge_step(&mut hist, &draw, 0.0, BTreeSet::new()).unwrap();
    close(
        reported(&rh, "d_loss"),
        reported(&rp, "d_loss") + penalty,
        "loss with the historical penalty",
    );
    for (i, name) in d.iter().enumerate() {
        let with = get(&hist, name);
        let without = get(&plain, name);
        for k in 0..with.len() {
            // SGD: the penalty's gradient 2 w (theta - mean) is the only difference.
            let extra = -lr * 2.0 * weight * (before[i][k] - means[i][k]);
            close(with[k] - without[k], extra, &format!("{name}[{k}] update"));
            // The running mean over step + 1 parameter vectors takes in the new value.
            let new_mean = means[i][k] + (with[k] - means[i][k]) / (step as f64 + 1.0);
            close(
                flat(&hist.hist[name])[k],
                new_mean,
                &format!("{name}[{k}] mean"),
            );
        }
    }
}

#[test]
fn instance_noise_std_anneals_linearly() {
    let s = session(&spec("instance_noise: anneal(0.1, 0.0, steps: 1000)"));
    close(instance_noise(&s, 0), 0.1, "sigma at step 0");
    close(instance_noise(&s, 500), 0.05, "sigma at step 500");
    close(instance_noise(&s, 1000), 0.0, "sigma at step 1000");
    close(instance_noise(&s, 5000), 0.0, "sigma after the schedule");
    let constant = session(&spec("instance_noise: 0.2"));
    close(instance_noise(&constant, 7), 0.2, "constant sigma");
    let none = session(&spec(""));
    close(instance_noise(&none, 0), 0.0, "no instance noise");
}

#[test]
fn instance_noise_is_added_to_real_and_fake_judge_inputs() {
    let sigma = 0.5;
    let mut s = session(&spec("instance_noise: anneal(0.5, 0.0, steps: 10)"));
    set_hand_values(&s);
    // The noise comes from the run's generator: replay it, real side first, then fake.
    let mut replay = RunRng::from_state(&s.rng.state()).unwrap();
    let mut noise = || {
        flat(
            &replay
                .normal(&[2, 2], 0.0, sigma, DType::F32, &Device::Cpu)
                .unwrap(),
        )
    };
    let (n_real, n_fake) = (noise(), noise());
    let (report, _) = judge_step(&mut s, &hand_draw(), sigma, BTreeSet::new()).unwrap();
    let noisy = |x: [f64; 2], n: &[f64], i: usize| judge([x[0] + n[2 * i], x[1] + n[2 * i + 1]]);
    let real: Vec<f64> = (0..2).map(|i| noisy(X[i], &n_real, i)).collect();
    let fake: Vec<f64> = (0..2).map(|i| noisy(generated()[i], &n_fake, i)).collect();
    let want = real.iter().map(|&r| softplus(-r)).sum::<f64>() / 2.0
        + fake.iter().map(|&f| softplus(f)).sum::<f64>() / 2.0;
    close(
        reported(&report, "d_adv"),
        want,
        "judge loss on noisy inputs",
    );
    let sig = |v: f64| 1.0 / (1.0 + (-v).exp());
    close(
        reported(&report, "d_real"),
        real.iter().map(|&r| sig(r)).sum::<f64>() / 2.0,
        "real side noisy",
    );
    close(
        reported(&report, "d_fake"),
        fake.iter().map(|&f| sig(f)).sum::<f64>() / 2.0,
        "fake side noisy",
    );
    let clean_real = X.iter().map(|&x| sig(judge(x))).sum::<f64>() / 2.0;
    assert!((reported(&report, "d_real") - clean_real).abs() > 1e-3);

    // The players' step also sees the judge through the noise.
    let mut s = session(&spec("instance_noise: 0.5"));
    set_hand_values(&s);
    let mut replay = RunRng::from_state(&s.rng.state()).unwrap();
    let n = flat(
        &replay
            .normal(&[2, 2], 0.0, sigma, DType::F32, &Device::Cpu)
            .unwrap(),
    );
    let report = players_step(&mut s, &hand_draw(), sigma, CallCache::new()).unwrap();
    let fake: Vec<f64> = (0..2).map(|i| noisy(generated()[i], &n, i)).collect();
    let want = fake.iter().map(|&f| softplus(-f)).sum::<f64>() / 2.0;
    close(
        reported(&report, "g_adv"),
        want,
        "generator loss on noisy inputs",
    );
}

const MBD_SPEC: &str = r#"
gan mbd_tiny
data x: [B, 2] from ring8(std: 0.05)
latent z: [B, 1] ~ normal(0, 1)
generator G(z: [B, 1]) -> [B, 2] {
  return z -> linear(2)
}
discriminator D(x: [B, 2]) -> [B, 1] {
  m = x -> minibatch_discrimination(kernels: 2, kernel_dim: 2)
  return m -> linear(1)
}
game { loss: non_saturating }
train {
  batch: 3
  steps: 1
  optim G: sgd(lr: 0.1)
  optim D: sgd(lr: 0.1)
}
"#;

#[test]
fn minibatch_discrimination_in_a_judge_matches_the_papers_formula() {
    let mut s = session(MBD_SPEC);
    let d = &s.nets["D"];
    let node = d
        .net
        .nodes
        .iter()
        .position(|n| matches!(n.op, Op::MinibatchDiscrimination { .. }))
        .expect("the layer is in the graph");
    let t_name = names(&s, "D")[0].clone();
    assert!(t_name.ends_with(".T"), "{t_name}");
    // T: [A = 2, B * C = 4]; M_i = x_i T reshaped to [B = 2, C = 2].
    let tm = [[0.5, -1.0, 0.25, 2.0], [1.5, 0.5, -0.75, 1.0]];
    set(&s, &t_name, &[tm[0], tm[1]].concat());
    let x = [[1.0, 0.0], [0.0, 1.0], [0.5, -0.5]];
    let input = t(&x.concat(), &[3, 2]);
    let d = &s.nets["D"];
    let mut mode = ForwardMode {
        train: true,
        update_buffers: false,
        rng: &mut s.rng,
        overrides: None,
    };
    let values = forward(&d.net, &d.params, None, &[input], &mut mode).unwrap();
    assert_eq!(values[node].dims(), [3, 2 + 2], "[N, A + kernels]");
    let got = flat(&values[node]);
    let m: Vec<[f64; 4]> = x
        .iter()
        .map(|xi| std::array::from_fn(|k| xi[0] * tm[0][k] + xi[1] * tm[1][k]))
        .collect();
    for i in 0..3 {
        assert_eq!(got[4 * i], x[i][0]);
        assert_eq!(got[4 * i + 1], x[i][1]);
        for b in 0..2 {
            // o(x_i)_b = sum_j exp(-||M_{i,b} - M_{j,b}||_1), j over the whole batch.
            let o: f64 = (0..3)
                .map(|j| {
                    let l1 = (0..2)
                        .map(|c| (m[i][2 * b + c] - m[j][2 * b + c]).abs())
                        .sum::<f64>();
                    (-l1).exp()
                })
                .sum();
            close(got[4 * i + 2 + b], o, &format!("o(x_{i})_{b}"));
        }
    }
}

const VBN_SPEC: &str = r#"
gan vbn_tiny
data x: [B, 2] from ring8(std: 0.05)
latent z: [B, 2] ~ normal(0, 1)
generator G(z: [B, 2]) -> [B, 2] {
  return z -> linear(2) -> virtual_batchnorm -> relu -> linear(2)
}
discriminator D(x: [B, 2]) -> [B, 1] {
  return x -> linear(8) -> leaky_relu(0.2) -> linear(1)
}
game { loss: non_saturating }
train {
  batch: 4
  steps: 3
  seed: 11
  optim G: sgd(lr: 0.5)
  optim D: sgd(lr: 0.5)
}
"#;

/// Per-channel mean and biased variance of G's first linear layer on `z` [n, 2], by hand.
fn hand_reference_stats(s: &Session, z: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let g = names(s, "G");
    let (w, b) = (get(s, &g[0]), get(s, &g[1]));
    let n = z.len() / 2;
    let h: Vec<[f64; 2]> = (0..n)
        .map(|i| std::array::from_fn(|c| w[2 * c] * z[2 * i] + w[2 * c + 1] * z[2 * i + 1] + b[c]))
        .collect();
    let mean: Vec<f64> = (0..2)
        .map(|c| h.iter().map(|r| r[c]).sum::<f64>() / n as f64)
        .collect();
    let var: Vec<f64> = (0..2)
        .map(|c| h.iter().map(|r| (r[c] - mean[c]).powi(2)).sum::<f64>() / n as f64)
        .collect();
    (mean, var)
}

fn g_forward_first_row(s: &mut Session, z: &[f64]) -> Vec<f64> {
    let Session { nets, rng, .. } = s;
    let g = &nets["G"];
    let mut mode = ForwardMode {
        train: true,
        update_buffers: false,
        rng,
        overrides: None,
    };
    let n = z.len() / 2;
    let values = forward(
        &g.net,
        &g.params,
        g.vbn.as_ref(),
        &[t(z, &[n, 2])],
        &mut mode,
    )
    .unwrap();
    flat(values.last().unwrap())[..2].to_vec()
}

#[test]
fn virtual_batch_norm_uses_a_fixed_reference_batch_recomputed_after_each_update() {
    let program = compile(VBN_SPEC);
    let mut s = Session::new(program, Device::Cpu).unwrap();
    let mut feeder = Feeder::new(&s.program, Path::new("."), None).unwrap();
    assert!(vbn::has_vbn(&s, "G") && !vbn::has_vbn(&s, "D"));
    assert!(s.nets["G"].vbn.is_none());

    // The reference latents come from their own stream: the same whatever the training
    // generator has drawn, and the training generator is left where it was.
    let reference = vbn::reference_draw(&mut s, &feeder).unwrap();
    let rng_before = s.rng.state();
    let _ = s
        .rng
        .normal(&[5], 0.0, 1.0, DType::F32, &Device::Cpu)
        .unwrap();
    let again = vbn::reference_draw(&mut s, &feeder).unwrap();
    let z_ref = flat(&reference.values["z"]);
    assert_eq!(z_ref, flat(&again.values["z"]));
    assert_eq!(z_ref.len(), 4 * 2, "one reference example per batch slot");
    assert_ne!(
        s.rng.state(),
        rng_before,
        "the test did advance the generator"
    );

    let mut g_params_seen = Vec::new();
    for _ in 0..2 {
        iteration(&mut s, &mut feeder, 0.0).unwrap();
        // After the iteration the statistics are those of the reference batch under G's
        // parameters as they are now (after G's update).
        let (mean, var) = hand_reference_stats(&s, &z_ref);
        let refs = s.nets["G"].vbn.as_ref().expect("reference statistics");
        assert_eq!(refs.len(), 1);
        let (m, v, n) = refs.values().next().unwrap();
        assert_eq!(*n, 4);
        for c in 0..2 {
            close(flat(m)[c], mean[c], "reference mean");
            close(flat(v)[c], var[c], "reference variance");
        }
        g_params_seen.push(get(&s, &names(&s, "G")[0]));
    }
    assert_ne!(g_params_seen[0], g_params_seen[1], "G was trained");

    // With the reference fixed, an example's output does not depend on its batch mates
    // (ordinary batch norm would change it).
    let a = g_forward_first_row(&mut s, &[0.3, -0.7, 1.0, 2.0, -1.5, 0.2]);
    let b = g_forward_first_row(&mut s, &[0.3, -0.7, -3.0, 0.5]);
    for c in 0..2 {
        close(a[c], b[c], "output independent of the rest of the batch");
    }

    // Checkpoints carry the statistics (sampling from a checkpoint uses them); a resumed
    // run recomputes them from the restored parameters and the same reference batch.
    let saved = s.state_tensors();
    let mut restored = Session::new(compile(VBN_SPEC), Device::Cpu).unwrap();
    restored.load_state(&saved).unwrap();
    let (m0, v0, n0) = s.nets["G"].vbn.as_ref().unwrap().values().next().unwrap();
    let (m1, v1, n1) = restored.nets["G"]
        .vbn
        .as_ref()
        .unwrap()
        .values()
        .next()
        .unwrap();
    assert_eq!((flat(m0), flat(v0), n0), (flat(m1), flat(v1), n1));
    vbn::update(&mut restored, &feeder, |_| false).unwrap();
    let (m2, v2, _) = restored.nets["G"]
        .vbn
        .as_ref()
        .unwrap()
        .values()
        .next()
        .unwrap();
    assert_eq!((flat(m0), flat(v0)), (flat(m2), flat(v2)));
}

#[test]
fn feature_matching_alone_trains_the_generator_with_judge_only_adversarial_loss() {
    let mut s = session(&spec(
        "term fm: feature_matching(D.f) trains G\n  adversarial: judge_only",
    ));
    set_hand_values(&s);
    let fake = generated();
    let want: f64 = (0..2)
        .map(|c| {
            let real_mean = (features(X[0])[c] + features(X[1])[c]) / 2.0;
            let fake_mean = (features(fake[0])[c] + features(fake[1])[c]) / 2.0;
            (real_mean - fake_mean).powi(2)
        })
        .sum();
    let report = players_step(&mut s, &hand_draw(), 0.0, CallCache::new()).unwrap();
    assert!(report.iter().all(|(k, _)| k != "g_adv"), "{report:?}");
    close(reported(&report, "fm"), want, "feature matching");
    close(
        reported(&report, "g_loss"),
        want,
        "G's loss is the term alone",
    );
    // Gradient by hand: d fm / d bg_c = -2 sum_k (real_mean_k - fake_mean_k) W1[k][c], and
    // SGD moves bg by -lr times it.
    let diff: Vec<f64> = (0..2)
        .map(|k| {
            (features(X[0])[k] + features(X[1])[k]) / 2.0
                - (features(fake[0])[k] + features(fake[1])[k]) / 2.0
        })
        .collect();
    let bg = get(&s, &names(&s, "G")[1]);
    for c in 0..2 {
        let grad = -2.0 * (diff[0] * W1[0][c] + diff[1] * W1[1][c]);
        close(
            bg[c],
            BG[c] - 0.1 * grad,
            &format!("bg[{c}] after one SGD step"),
        );
    }
}
