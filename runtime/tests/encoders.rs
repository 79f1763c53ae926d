//! Encoder families through the compiler and one real update step, against values computed by
//! hand in f64 on tiny linear networks: BiGAN/ALI (the encoder's label-swapped loss on the real
//! side), the adversarial autoencoder (judge on codes, reconstruction term), adversarial
//! variational Bayes (logistic judge, players minimising the NLL plus T's raw output), and the
//! reconstruction evaluation of `ganc eval recon`.

// The hand formulas index several arrays (inputs, codes, weights) by the same sample index.
#![allow(clippy::needless_range_loop)]

use candle_core::{DType, Device, Tensor};
use ganc_runtime::eval::recon::{comparison_rows, evaluate, latent_stats};
use ganc_runtime::ganc_compiler::check::program::Override;
use ganc_runtime::ganc_compiler::compile::compile_source;
use ganc_runtime::ganc_compiler::graph::{Prior, Program};
use ganc_runtime::train::eval::{CallCache, Draw};
use ganc_runtime::train::session::Session;
use ganc_runtime::train::step::{judge_step, players_step, Report};
use std::collections::BTreeSet;
use std::path::Path;

const LR: f64 = 0.1;

fn compile(text: &str) -> Program {
    let c = compile_source(Path::new("encoders.gan"), text, &Vec::<Override>::new());
    assert!(!c.has_errors(), "{:#?}", c.diagnostics);
    c.program.expect("program")
}

fn session(text: &str) -> Session {
    Session::new(compile(text), Device::Cpu).unwrap()
}

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

/// Trainable variable names of `net`, weight before bias, layer by layer.
fn names(s: &Session, net: &str) -> Vec<String> {
    s.nets[net]
        .params
        .trainable
        .iter()
        .map(|(n, _)| n.clone())
        .collect()
}

fn set(s: &Session, net: &str, values: &[&[f64]]) {
    for (name, v) in names(s, net).iter().zip(values) {
        let var = s.nets[net].params.get(name).unwrap();
        var.set(&t(v, var.dims())).unwrap();
    }
}

fn params(s: &Session, net: &str) -> Vec<Vec<f64>> {
    names(s, net)
        .iter()
        .map(|n| flat(s.nets[net].params.get(n).unwrap().as_tensor()))
        .collect()
}

fn draw(values: &[(&str, &[f64], &[usize])]) -> Draw {
    Draw {
        values: values
            .iter()
            .map(|(n, v, s)| (n.to_string(), t(v, s)))
            .collect(),
    }
}

fn report(r: &Report, key: &str) -> Option<f64> {
    r.iter().find(|(k, _)| k == key).map(|(_, v)| *v)
}

fn close(got: f64, want: f64, what: &str) {
    assert!(
        (got - want).abs() <= 1e-5 * (1.0 + want.abs()),
        "{what}: got {got}, want {want}"
    );
}

fn close_all(got: &[f64], want: &[f64], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: lengths");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        close(*g, *w, &format!("{what}[{i}]"));
    }
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

fn softplus(x: f64) -> f64 {
    (1.0 + x.exp()).ln()
}

fn judge(s: &mut Session, d: &Draw) -> Report {
    judge_step(s, d, 0.0, BTreeSet::new()).unwrap().0
}

fn players(s: &mut Session, d: &Draw) -> Report {
    players_step(s, d, 0.0, CallCache::new()).unwrap()
}

// ---------------------------------------------------------------------------------------------
// BiGAN / ALI: E(x) = we . x + be; G(z) = wg z + bg; D(x, z) = wd . [x0, x1, z] + bd.

const BIGAN: &str = r#"
gan bigan_tiny
data x: [B, 2] from ring8(std: 0.05)
latent z: [B, 1] ~ normal(0, 1)
generator G(z: [B, 1]) -> [B, 2] { return z -> linear(2) }
encoder E(x: [B, 2]) -> [B, 1] { return x -> linear(1) }
discriminator D(x: [B, 2], z: [B, 1]) -> [B, 1] { return cat(x, z) -> linear(1) }
game {
  loss: non_saturating
  real: D(x, E(x))
  fake: D(G(z), z)
}
train {
  batch: 2
  steps: 1
  optim G: sgd(lr: 0.1)
  optim E: sgd(lr: 0.1)
  optim D: sgd(lr: 0.1)
}
"#;

const WE: [f64; 2] = [0.5, -0.25];
const BE: f64 = 0.1;
const WG: [f64; 2] = [1.5, -0.5];
const BG: [f64; 2] = [0.2, 0.3];
const WD: [f64; 3] = [0.4, -0.6, 0.8];
const BD: f64 = -0.1;
const X: [[f64; 2]; 2] = [[1.0, 2.0], [-0.5, 0.5]];
const Z: [f64; 2] = [0.7, -1.1];

fn bigan() -> (Session, Draw) {
    let s = session(BIGAN);
    set(&s, "E", &[&WE, &[BE]]);
    set(&s, "G", &[&WG, &BG]);
    set(&s, "D", &[&WD, &[BD]]);
    let d = draw(&[
        ("x", &[X[0][0], X[0][1], X[1][0], X[1][1]], &[2, 2]),
        ("z", &Z, &[2, 1]),
    ]);
    (s, d)
}

fn encode(x: [f64; 2]) -> f64 {
    WE[0] * x[0] + WE[1] * x[1] + BE
}

#[test]
fn bigan_players_are_inferred_as_g_and_e() {
    let p = compile(BIGAN);
    assert_eq!(p.game.judge, "D");
    assert_eq!(p.game.players, vec!["G".to_string(), "E".to_string()]);
    assert!(p.game.adversarial_trains_players);
}

#[test]
fn bigan_encoder_gets_the_label_swapped_loss_only_in_the_players_step() {
    let (mut s, d) = bigan();
    let e0 = params(&s, "E");
    let g0 = params(&s, "G");
    judge(&mut s, &d);
    assert_eq!(params(&s, "E"), e0, "the judge step must not move E");
    assert_eq!(params(&s, "G"), g0, "the judge step must not move G");

    // Players' step from the initial values: a fresh session.
    let (mut s, d) = bigan();
    let d0 = params(&s, "D");
    let r = players(&mut s, &d);
    assert_eq!(params(&s, "D"), d0, "the players' step must not move D");

    // Real side: r_i = D(x_i, E(x_i)); E minimises mean softplus(r_i) = -log(1 - sigmoid(r_i)).
    let r_logit = |x: [f64; 2]| WD[0] * x[0] + WD[1] * x[1] + WD[2] * encode(x) + BD;
    let want_real = (softplus(r_logit(X[0])) + softplus(r_logit(X[1]))) / 2.0;
    close(report(&r, "g_adv_real").unwrap(), want_real, "g_adv_real");

    // d/d we = (1/N) sum_i sigmoid(r_i) * wd_z * x_i; d/d be = (1/N) sum_i sigmoid(r_i) * wd_z.
    let mut gw = [0.0; 2];
    let mut gb = 0.0;
    for x in X {
        let g = sigmoid(r_logit(x)) * WD[2] / 2.0;
        gw[0] += g * x[0];
        gw[1] += g * x[1];
        gb += g;
    }
    let e1 = params(&s, "E");
    close_all(
        &e1[0],
        &[WE[0] - LR * gw[0], WE[1] - LR * gw[1]],
        "E weight",
    );
    close_all(&e1[1], &[BE - LR * gb], "E bias");

    // Fake side for G: mean softplus(-f_i), f_i = D(G(z_i), z_i).
    let f_logit =
        |z: f64| WD[0] * (WG[0] * z + BG[0]) + WD[1] * (WG[1] * z + BG[1]) + WD[2] * z + BD;
    let want_fake = (softplus(-f_logit(Z[0])) + softplus(-f_logit(Z[1]))) / 2.0;
    close(report(&r, "g_adv").unwrap(), want_fake, "g_adv");
}

// ---------------------------------------------------------------------------------------------
// Adversarial autoencoder: E(x) = we . x + be, Dec(c) = wc c + bc, D(c) = wa c + ba on codes.

const AAE: &str = r#"
gan aae_tiny
data x: [B, 2] from ring8(std: 0.05)
latent z: [B, 1] ~ normal(0, 1)
encoder E(x: [B, 2]) -> [B, 1] { return x -> linear(1) }
generator Dec(z: [B, 1]) -> [B, 2] { return z -> linear(2) }
discriminator D(z: [B, 1]) -> [B, 1] { return z -> linear(1) }
game {
  loss: non_saturating
  real: D(z)
  fake: D(E(x))
  term recon: mse(Dec(E(x)), x) trains E, Dec
}
train {
  batch: 2
  steps: 1
  optim E: sgd(lr: 0.1)
  optim Dec: sgd(lr: 0.1)
  optim D: sgd(lr: 0.1)
}
"#;

const WC: [f64; 2] = [0.9, -0.3];
const BC: [f64; 2] = [0.05, -0.15];
const WA: f64 = 1.3;
const BA: f64 = 0.2;

fn aae() -> (Session, Draw) {
    let s = session(AAE);
    set(&s, "E", &[&WE, &[BE]]);
    set(&s, "Dec", &[&WC, &BC]);
    set(&s, "D", &[&[WA], &[BA]]);
    let d = draw(&[
        ("x", &[X[0][0], X[0][1], X[1][0], X[1][1]], &[2, 2]),
        ("z", &Z, &[2, 1]),
    ]);
    (s, d)
}

#[test]
fn aae_compiles_with_a_judge_on_codes_and_e_as_the_player() {
    let p = compile(AAE);
    assert_eq!(p.game.judge, "D");
    assert_eq!(p.game.players, vec!["E".to_string()]);
}

#[test]
fn aae_judge_loss_on_prior_samples_and_codes_matches_hand_values() {
    let (mut s, d) = aae();
    let e0 = params(&s, "E");
    let dec0 = params(&s, "Dec");
    let r = judge(&mut s, &d);
    // D: prior draws are real, codes are fake.
    let codes = [encode(X[0]), encode(X[1])];
    let a = |c: f64| WA * c + BA;
    let want = (softplus(-a(Z[0])) + softplus(-a(Z[1]))) / 2.0
        + (softplus(a(codes[0])) + softplus(a(codes[1]))) / 2.0;
    close(report(&r, "d_loss").unwrap(), want, "d_loss");
    // dL/dwa = mean_i[-sigmoid(-a(z_i)) z_i] + mean_i[sigmoid(a(c_i)) c_i].
    let mut gw = 0.0;
    let mut gb = 0.0;
    for i in 0..2 {
        gw += (-sigmoid(-a(Z[i])) * Z[i] + sigmoid(a(codes[i])) * codes[i]) / 2.0;
        gb += (-sigmoid(-a(Z[i])) + sigmoid(a(codes[i]))) / 2.0;
    }
    let d1 = params(&s, "D");
    close_all(&d1[0], &[WA - LR * gw], "D weight");
    close_all(&d1[1], &[BA - LR * gb], "D bias");
    assert_eq!(params(&s, "E"), e0);
    assert_eq!(params(&s, "Dec"), dec0);
}

#[test]
fn aae_players_minimise_the_code_loss_plus_reconstruction() {
    let (mut s, d) = aae();
    let d0 = params(&s, "D");
    let r = players(&mut s, &d);
    assert_eq!(params(&s, "D"), d0);
    let codes = [encode(X[0]), encode(X[1])];
    let a = |c: f64| WA * c + BA;
    let dec = |c: f64| [WC[0] * c + BC[0], WC[1] * c + BC[1]];
    let want_adv = (softplus(-a(codes[0])) + softplus(-a(codes[1]))) / 2.0;
    let mut recon = 0.0;
    for i in 0..2 {
        for k in 0..2 {
            recon += (dec(codes[i])[k] - X[i][k]).powi(2) / 4.0;
        }
    }
    close(report(&r, "g_adv").unwrap(), want_adv, "g_adv");
    close(report(&r, "recon").unwrap(), recon, "recon");
    close(report(&r, "g_loss").unwrap(), want_adv + recon, "g_loss");

    // Decoder: d recon / d wc_k = (2/4) sum_i (dec_k(c_i) - x_ik) c_i.
    let mut gwc = [0.0; 2];
    let mut gbc = [0.0; 2];
    // Encoder: dL/dc_i = -(1/2) sigmoid(-a(c_i)) wa + (2/4) sum_k (dec_k(c_i) - x_ik) wc_k.
    let mut gwe = [0.0; 2];
    let mut gbe = 0.0;
    for i in 0..2 {
        let mut dc = -0.5 * sigmoid(-a(codes[i])) * WA;
        for k in 0..2 {
            let res = dec(codes[i])[k] - X[i][k];
            gwc[k] += 0.5 * res * codes[i];
            gbc[k] += 0.5 * res;
            dc += 0.5 * res * WC[k];
        }
        gwe[0] += dc * X[i][0];
        gwe[1] += dc * X[i][1];
        gbe += dc;
    }
    let dec1 = params(&s, "Dec");
    close_all(
        &dec1[0],
        &[WC[0] - LR * gwc[0], WC[1] - LR * gwc[1]],
        "Dec weight",
    );
    close_all(
        &dec1[1],
        &[BC[0] - LR * gbc[0], BC[1] - LR * gbc[1]],
        "Dec bias",
    );
    let e1 = params(&s, "E");
    close_all(
        &e1[0],
        &[WE[0] - LR * gwe[0], WE[1] - LR * gwe[1]],
        "E weight",
    );
    close_all(&e1[1], &[BE - LR * gbe], "E bias");
}

// ---------------------------------------------------------------------------------------------
// AVB: E(x, eps) = wq . [x0, x1, eps] + bq; Dec(c) = wc c + bc (logits); T(x, c) = wt . [x, c] + bt.

const AVB: &str = r#"
gan avb_tiny
data x: [B, 2] from ring8(std: 0.05)
latent z: [B, 1] ~ normal(0, 1)
latent eps: [B, 1] ~ normal(0, 1)
encoder E(x: [B, 2], eps: [B, 1]) -> [B, 1] { return cat(x, eps) -> linear(1) }
generator Dec(z: [B, 1]) -> [B, 2] { return z -> linear(2) }
discriminator T(x: [B, 2], z: [B, 1]) -> [B, 1] { return cat(x, z) -> linear(1) }
game {
  loss: non_saturating
  real: T(x, E(x, eps))
  fake: T(x, z)
  adversarial: judge_only
  term nll: 2 * bce(Dec(E(x, eps)), x) trains E, Dec
  term kl: mean(T(x, E(x, eps))) trains E, Dec
}
train {
  batch: 2
  steps: 1
  optim E: sgd(lr: 0.1)
  optim Dec: sgd(lr: 0.1)
  optim T: sgd(lr: 0.1)
}
"#;

const WQ: [f64; 3] = [0.6, -0.4, 0.5];
const BQ: f64 = 0.05;
const WT: [f64; 3] = [0.3, 0.2, -0.7];
const BT: f64 = 0.15;
const XB: [[f64; 2]; 2] = [[1.0, 0.0], [0.25, 0.75]];
const EPS: [f64; 2] = [-0.3, 0.9];

fn avb() -> (Session, Draw) {
    let s = session(AVB);
    set(&s, "E", &[&WQ, &[BQ]]);
    set(&s, "Dec", &[&WC, &BC]);
    set(&s, "T", &[&WT, &[BT]]);
    let d = draw(&[
        ("x", &[XB[0][0], XB[0][1], XB[1][0], XB[1][1]], &[2, 2]),
        ("z", &Z, &[2, 1]),
        ("eps", &EPS, &[2, 1]),
    ]);
    (s, d)
}

fn q(i: usize) -> f64 {
    WQ[0] * XB[i][0] + WQ[1] * XB[i][1] + WQ[2] * EPS[i] + BQ
}

fn tt(i: usize, c: f64) -> f64 {
    WT[0] * XB[i][0] + WT[1] * XB[i][1] + WT[2] * c + BT
}

#[test]
fn avb_adversarial_scope_is_parsed_and_checked() {
    assert!(!compile(AVB).game.adversarial_trains_players);
    let explicit = AVB.replace("judge_only", "both");
    assert!(compile(&explicit).game.adversarial_trains_players);
    let typo = AVB.replace("judge_only", "judge_onyl");
    let c = compile_source(Path::new("typo.gan"), &typo, &Vec::<Override>::new());
    let codes: Vec<&str> = c.diagnostics.iter().map(|d| d.code.name).collect();
    assert!(
        codes.contains(&"ganc::settings::unknown_value"),
        "{codes:?}"
    );
    let help = c
        .diagnostics
        .iter()
        .filter_map(|d| d.help.clone())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(help.contains("judge_only"), "{help}");
}

#[test]
fn avb_judge_is_logistic_regression_of_posterior_against_prior_codes() {
    let (mut s, d) = avb();
    let e0 = params(&s, "E");
    let r = judge(&mut s, &d);
    // T labels (x, z ~ q(z|x)) 1 and (x, z ~ p(z)) 0.
    let want = (softplus(-tt(0, q(0))) + softplus(-tt(1, q(1)))) / 2.0
        + (softplus(tt(0, Z[0])) + softplus(tt(1, Z[1]))) / 2.0;
    close(report(&r, "d_loss").unwrap(), want, "d_loss");
    assert_eq!(params(&s, "E"), e0);
}

#[test]
fn avb_players_minimise_nll_plus_the_raw_judge_output() {
    let (mut s, d) = avb();
    let t0 = params(&s, "T");
    let r = players(&mut s, &d);
    assert_eq!(params(&s, "T"), t0, "the players' step must not move T");
    assert_eq!(
        report(&r, "g_adv"),
        None,
        "judge_only: no adversarial player loss"
    );
    assert_eq!(report(&r, "g_adv_real"), None);
    let logits = |c: f64| [WC[0] * c + BC[0], WC[1] * c + BC[1]];
    // nll = 2 * mean_{i,k} [softplus(l_ik) - x_ik l_ik]: the Bernoulli NLL summed over 2 pixels.
    let mut nll = 0.0;
    for i in 0..2 {
        for (k, l) in logits(q(i)).iter().enumerate() {
            nll += 2.0 * (softplus(*l) - XB[i][k] * l) / 4.0;
        }
    }
    let kl = (tt(0, q(0)) + tt(1, q(1))) / 2.0;
    close(report(&r, "nll").unwrap(), nll, "nll");
    close(report(&r, "kl").unwrap(), kl, "kl");
    close(report(&r, "g_loss").unwrap(), nll + kl, "g_loss");
    // dL/dc_i = (1/2) wt_z + (2/4) sum_k (sigmoid(l_ik) - x_ik) wc_k; c_i = wq . [x_i, eps_i] + bq.
    let mut gw = [0.0; 3];
    let mut gb = 0.0;
    for i in 0..2 {
        let mut dc = 0.5 * WT[2];
        for (k, l) in logits(q(i)).iter().enumerate() {
            dc += 0.5 * (sigmoid(*l) - XB[i][k]) * WC[k];
        }
        let input = [XB[i][0], XB[i][1], EPS[i]];
        for j in 0..3 {
            gw[j] += dc * input[j];
        }
        gb += dc;
    }
    let e1 = params(&s, "E");
    let want: Vec<f64> = (0..3).map(|j| WQ[j] - LR * gw[j]).collect();
    close_all(&e1[0], &want, "E weight");
    close_all(&e1[1], &[BQ - LR * gb], "E bias");
}

// ---------------------------------------------------------------------------------------------
// Reconstruction evaluation.

#[test]
fn recon_evaluation_matches_a_hand_computation_on_two_images() {
    let (mut s, _) = aae();
    let images = t(&[X[0][0], X[0][1], X[1][0], X[1][1]], &[2, 2]);
    // Batches of one: the chunked accumulation must equal the whole-set mean.
    let (rep, recons) = evaluate(&mut s, &images, (-1.0, 1.0), 1, 0).unwrap();
    let codes = [encode(X[0]), encode(X[1])];
    let dec = |c: f64| [WC[0] * c + BC[0], WC[1] * c + BC[1]];
    let mut sq = 0.0;
    for i in 0..2 {
        for k in 0..2 {
            sq += (dec(codes[i])[k] - X[i][k]).powi(2);
        }
    }
    close(rep.mse, sq / 4.0, "mse");
    close(rep.mse_unit, sq / 4.0 / 4.0, "mse in [0, 1]");
    assert_eq!(rep.count, 2);
    let want_recon: Vec<f64> = codes.iter().flat_map(|&c| dec(c)).collect();
    close_all(&flat(&recons), &want_recon, "reconstructions");
    let l = rep.latent.expect("the codes have the type of latent z");
    let mean = (codes[0] + codes[1]) / 2.0;
    let var = (codes[0] - codes[1]).powi(2) / 2.0;
    close(l.mean_distance, mean.abs(), "|mean|");
    close(l.cov_distance, (var - 1.0).abs(), "||cov - I||_F");
}

#[test]
fn latent_statistics_match_hand_covariance() {
    // Three 2-D codes; prior N(0.5, 2^2): covariance target 4 I.
    let codes =
        Tensor::from_vec(vec![1.0f64, 0.0, 3.0, 2.0, 2.0, 4.0], (3, 2), &Device::Cpu).unwrap();
    let l = latent_stats(
        &codes,
        Prior::Normal {
            mean: 0.5,
            std: 2.0,
        },
        "z",
    )
    .unwrap();
    // mean (2, 2); centred rows (-1, -2), (1, 0), (0, 2): cov = [[2, 2], [2, 8]] / 2.
    close_all(&l.mean, &[2.0, 2.0], "mean");
    close_all(&l.cov, &[1.0, 1.0, 1.0, 4.0], "cov");
    close(
        l.mean_distance,
        (1.5f64 * 1.5 * 2.0).sqrt(),
        "mean distance",
    );
    close(
        l.cov_distance,
        (9.0f64 + 1.0 + 1.0 + 0.0).sqrt(),
        "cov distance",
    );
}

#[test]
fn comparison_rows_put_originals_above_reconstructions() {
    let orig = t(&[1.0, 2.0, 3.0, 4.0], &[4, 1]);
    let rec = t(&[10.0, 20.0, 30.0, 40.0], &[4, 1]);
    let grid = comparison_rows(&orig, &rec, 2).unwrap();
    close_all(
        &flat(&grid),
        &[1.0, 2.0, 10.0, 20.0, 3.0, 4.0, 30.0, 40.0],
        "rows",
    );
    assert!(comparison_rows(&orig, &rec, 8).is_err());
}

#[test]
fn recon_without_an_encoder_is_an_error_not_a_panic() {
    let text = BIGAN
        .replace("encoder E", "network E")
        .replace("bigan_tiny", "no_encoder");
    let mut s = session(&text);
    let images = t(&[0.0; 4], &[2, 2]);
    let err = evaluate(&mut s, &images, (-1.0, 1.0), 2, 0).unwrap_err();
    assert!(err.to_string().contains("no `encoder`"), "{err}");
}
