//! The adversarial losses of `game::adversarial` against the published formulas.
//!
//! Every reference value is computed here in plain f64, straight from the papers' notation
//! (D = sigmoid of the logit, f-GAN's output activation g_f and conjugate f* written separately
//! and composed numerically), so the tests do not share the simplified stable forms of the code.
//! Real and fake batches have different sizes so that a sum, or a mean over both batches
//! together, would be caught.

use candle_core::{DType, Device, Result, Tensor, Var};
use ganc_runtime::game::adversarial::{
    activation, bce_with_logits, bce_with_logits_const, conjugate_of_activation, judge_loss,
    judge_loss_on_fake, judge_loss_on_real, player_loss, player_loss_on_real,
};
use ganc_runtime::ganc_compiler::graph::{AdvLoss, FDivergence};
use std::f64::consts::LN_2;

const REAL: [f64; 4] = [1.3, -0.4, 2.2, 0.15];
const FAKE: [f64; 3] = [-1.1, 0.6, -2.5];
const MARGIN: f64 = 1.5;
/// Energies (non-negative, as EBGAN's reconstruction errors), fakes on both sides of the margin.
const REAL_E: [f64; 3] = [0.3, 0.8, 1.7];
const FAKE_E: [f64; 4] = [0.2, 1.6, 0.9, 2.4];

const DIVERGENCES: [FDivergence; 6] = [
    FDivergence::Kl,
    FDivergence::ReverseKl,
    FDivergence::JensenShannon,
    FDivergence::Pearson,
    FDivergence::SquaredHellinger,
    FDivergence::TotalVariation,
];

fn tensor(v: &[f64]) -> Tensor {
    let data: Vec<f32> = v.iter().map(|&x| x as f32).collect();
    Tensor::from_vec(data, v.len(), &Device::Cpu).unwrap()
}

fn value(t: &Tensor) -> f64 {
    t.to_dtype(DType::F64).unwrap().to_scalar::<f64>().unwrap()
}

/// f32 arithmetic on values of order 1-100: a relative tolerance well above rounding.
fn assert_close(got: f64, want: f64, what: &str) {
    let tol = 2e-6 * (1.0 + want.abs());
    assert!(
        (got - want).abs() <= tol,
        "{what}: got {got}, want {want} (diff {})",
        (got - want).abs()
    );
}

fn mean(v: impl IntoIterator<Item = f64>) -> f64 {
    let v: Vec<f64> = v.into_iter().collect();
    v.iter().sum::<f64>() / v.len() as f64
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// The loss and its gradient with respect to the input, for a function of one batch.
fn loss_and_grad(f: impl Fn(&Tensor) -> Result<Tensor>, x: &[f64]) -> (f64, Vec<f64>) {
    let var = Var::from_tensor(&tensor(x)).unwrap();
    let loss = f(var.as_tensor()).unwrap();
    let grads = loss.backward().unwrap();
    let g = grads
        .get(var.as_tensor())
        .expect("the input gets a gradient");
    (
        value(&loss),
        g.to_dtype(DType::F64).unwrap().to_vec1().unwrap(),
    )
}

fn judge(loss: AdvLoss, real: &[f64], fake: &[f64], t: f64) -> f64 {
    value(&judge_loss(loss, &tensor(real), &tensor(fake), t).unwrap())
}

fn player(loss: AdvLoss, fake: &[f64]) -> f64 {
    value(&player_loss(loss, &tensor(fake)).unwrap())
}

fn player_real(loss: AdvLoss, real: &[f64]) -> f64 {
    value(&player_loss_on_real(loss, &tensor(real)).unwrap())
}

// ---- f-GAN, Nowozin et al. 2016, table 6: g_f and f* as printed, composed here. ----

/// Output activation g_f(v).
fn g_f(div: FDivergence, v: f64) -> f64 {
    match div {
        FDivergence::Kl | FDivergence::Pearson => v,
        FDivergence::ReverseKl => -(-v).exp(),
        FDivergence::JensenShannon => 2f64.ln() - (1.0 + (-v).exp()).ln(),
        FDivergence::SquaredHellinger => 1.0 - (-v).exp(),
        FDivergence::TotalVariation => 0.5 * v.tanh(),
    }
}

/// Fenchel conjugate f*(t), defined on the range of g_f.
fn f_star(div: FDivergence, t: f64) -> f64 {
    match div {
        FDivergence::Kl => (t - 1.0).exp(),
        FDivergence::ReverseKl => {
            assert!(t < 0.0, "reverse KL conjugate needs t < 0");
            -1.0 - (-t).ln()
        }
        FDivergence::JensenShannon => {
            assert!(t < 2f64.ln(), "JS conjugate needs t < log 2");
            -(2.0 - t.exp()).ln()
        }
        FDivergence::Pearson => 0.25 * t * t + t,
        FDivergence::SquaredHellinger => {
            assert!(t < 1.0, "squared Hellinger conjugate needs t < 1");
            t / (1.0 - t)
        }
        FDivergence::TotalVariation => {
            assert!(t.abs() <= 0.5, "total variation conjugate needs |t| <= 1/2");
            t
        }
    }
}

/// The variational bound F = E_P[g_f(V(x))] - E_Q[f*(g_f(V(x)))] (Nowozin eq. 6).
fn f_gan_bound(div: FDivergence, real: &[f64], fake: &[f64]) -> f64 {
    mean(real.iter().map(|&v| g_f(div, v))) - mean(fake.iter().map(|&v| f_star(div, g_f(div, v))))
}

// ---- The judge's losses. ----

#[test]
fn minimax_and_non_saturating_judges_minimise_goodfellows_value_negated() {
    // Goodfellow et al. 2014: D maximises E log D(x) + E log(1 - D(G(z))).
    let want = -(mean(REAL.iter().map(|&x| sigmoid(x).ln()))
        + mean(FAKE.iter().map(|&x| (1.0 - sigmoid(x)).ln())));
    for loss in [AdvLoss::Minimax, AdvLoss::NonSaturating] {
        assert_close(
            judge(loss, &REAL, &FAKE, 1.0),
            want,
            &format!("{loss:?} judge"),
        );
    }
}

#[test]
fn one_sided_label_smoothing_targets_point_nine_on_real_only() {
    // Salimans et al. 2016: real targets 0.9, fake targets stay 0.
    let t = 0.9;
    let want = -mean(
        REAL.iter()
            .map(|&x| t * sigmoid(x).ln() + (1.0 - t) * (1.0 - sigmoid(x)).ln()),
    ) - mean(FAKE.iter().map(|&x| (1.0 - sigmoid(x)).ln()));
    assert_close(
        judge(AdvLoss::NonSaturating, &REAL, &FAKE, t),
        want,
        "smoothed BCE judge",
    );
    // Least squares with the smoothed target b = 0.9.
    let want_ls =
        0.5 * mean(REAL.iter().map(|&x| (x - t).powi(2))) + 0.5 * mean(FAKE.iter().map(|&x| x * x));
    assert_close(
        judge(AdvLoss::LeastSquares, &REAL, &FAKE, t),
        want_ls,
        "smoothed LS judge",
    );
}

#[test]
fn least_squares_judge_follows_mao_with_a0_b1() {
    // Mao et al. 2017, eq. 2: 1/2 E(D(x) - b)^2 + 1/2 E(D(G(z)) - a)^2, a = 0, b = 1.
    let want = 0.5 * mean(REAL.iter().map(|&x| (x - 1.0).powi(2)))
        + 0.5 * mean(FAKE.iter().map(|&x| (x - 0.0).powi(2)));
    assert_close(
        judge(AdvLoss::LeastSquares, &REAL, &FAKE, 1.0),
        want,
        "LSGAN judge",
    );
}

#[test]
fn hinge_judge_is_two_hinges() {
    // Lim & Ye 2017: E max(0, 1 - D(x)) + E max(0, 1 + D(G(z))).
    let want = mean(REAL.iter().map(|&x| (1.0 - x).max(0.0)))
        + mean(FAKE.iter().map(|&x| (1.0 + x).max(0.0)));
    assert_close(
        judge(AdvLoss::Hinge, &REAL, &FAKE, 1.0),
        want,
        "hinge judge",
    );
    // Both hinges inactive on some samples: the sum must not count them.
    assert!(REAL.iter().any(|&x| x > 1.0) && FAKE.iter().any(|&x| x < -1.0));
}

#[test]
fn wasserstein_critic_minimises_the_negated_estimate() {
    // Arjovsky et al. 2017: the critic maximises E f(x) - E f(G(z)).
    let want = -(mean(REAL) - mean(FAKE));
    assert_close(
        judge(AdvLoss::Wasserstein, &REAL, &FAKE, 1.0),
        want,
        "WGAN critic",
    );
}

#[test]
fn energy_judge_follows_ebgan_with_margin() {
    // Zhao et al. 2017, eq. 1: L_D = D(x) + [m - D(G(z))]^+.
    let want = mean(REAL_E) + mean(FAKE_E.iter().map(|&e| (MARGIN - e).max(0.0)));
    let loss = AdvLoss::Energy { margin: MARGIN };
    assert_close(judge(loss, &REAL_E, &FAKE_E, 1.0), want, "EBGAN judge");
    // A fake above the margin contributes nothing; one below it does.
    assert!(FAKE_E.iter().any(|&e| e > MARGIN) && FAKE_E.iter().any(|&e| e < MARGIN));
}

#[test]
fn f_gan_judge_maximises_the_variational_bound_for_every_divergence() {
    for div in DIVERGENCES {
        let want = -f_gan_bound(div, &REAL, &FAKE);
        let got = judge(AdvLoss::FGan(div), &REAL, &FAKE, 1.0);
        assert_close(got, want, &format!("f-GAN {div:?} judge"));
    }
}

/// A loss, its real and fake batches, and the expected real and fake halves.
type HalvesCase<'a> = (AdvLoss, &'a [f64], &'a [f64], f64, f64);

/// The unrolled GAN's real-data term is minus the real half of the judge's loss: each half
/// must be the papers' real-data (fake-data) term alone, with the smoothed target on real only.
#[test]
fn judge_loss_halves_are_the_real_and_fake_terms_of_each_objective() {
    let t = 0.9;
    let bce = |x: f64, y: f64| -(y * sigmoid(x).ln() + (1.0 - y) * (1.0 - sigmoid(x)).ln());
    let mut cases: Vec<HalvesCase> = vec![
        (
            AdvLoss::NonSaturating,
            &REAL,
            &FAKE,
            mean(REAL.iter().map(|&x| bce(x, t))),
            mean(FAKE.iter().map(|&x| bce(x, 0.0))),
        ),
        (
            AdvLoss::LeastSquares,
            &REAL,
            &FAKE,
            0.5 * mean(REAL.iter().map(|&x| (x - t).powi(2))),
            0.5 * mean(FAKE.iter().map(|&x| x * x)),
        ),
        (
            AdvLoss::Hinge,
            &REAL,
            &FAKE,
            mean(REAL.iter().map(|&x| (1.0 - x).max(0.0))),
            mean(FAKE.iter().map(|&x| (1.0 + x).max(0.0))),
        ),
        (AdvLoss::Wasserstein, &REAL, &FAKE, -mean(REAL), mean(FAKE)),
        (
            AdvLoss::Energy { margin: MARGIN },
            &REAL_E,
            &FAKE_E,
            mean(REAL_E),
            mean(FAKE_E.iter().map(|&e| (MARGIN - e).max(0.0))),
        ),
    ];
    for div in DIVERGENCES {
        cases.push((
            AdvLoss::FGan(div),
            &REAL,
            &FAKE,
            -mean(REAL.iter().map(|&v| g_f(div, v))),
            mean(FAKE.iter().map(|&v| f_star(div, g_f(div, v)))),
        ));
    }
    for (loss, real, fake, want_real, want_fake) in cases {
        let got_real = value(&judge_loss_on_real(loss, &tensor(real), t).unwrap());
        let got_fake = value(&judge_loss_on_fake(loss, &tensor(fake)).unwrap());
        assert_close(got_real, want_real, &format!("{loss:?} real half"));
        assert_close(got_fake, want_fake, &format!("{loss:?} fake half"));
    }
}

#[test]
fn f_gan_activation_and_conjugate_match_table_6_pointwise() {
    let v = [-2.0, -0.3, 0.0, 0.7, 1.9];
    for div in DIVERGENCES {
        let g = value_vec(&activation(div, &tensor(&v)).unwrap());
        let c = value_vec(&conjugate_of_activation(div, &tensor(&v)).unwrap());
        for (i, &x) in v.iter().enumerate() {
            assert_close(g[i], g_f(div, x), &format!("{div:?} g_f({x})"));
            assert_close(
                c[i],
                f_star(div, g_f(div, x)),
                &format!("{div:?} f*(g_f({x}))"),
            );
        }
    }
}

fn value_vec(t: &Tensor) -> Vec<f64> {
    t.to_dtype(DType::F64).unwrap().to_vec1().unwrap()
}

#[test]
fn jensen_shannon_f_gan_is_the_original_gan_up_to_log_4() {
    // Nowozin et al. 2016, section 2.4: with the JS activation, F = GAN value + log 4.
    let js = AdvLoss::FGan(FDivergence::JensenShannon);
    let gan = judge(AdvLoss::Minimax, &REAL, &FAKE, 1.0);
    assert_close(
        judge(js, &REAL, &FAKE, 1.0),
        gan - 4f64.ln(),
        "JS judge vs GAN judge",
    );
    let ns = player(AdvLoss::NonSaturating, &FAKE);
    assert_close(
        player(js, &FAKE),
        ns - LN_2,
        "JS player vs non-saturating player",
    );
}

#[test]
fn f_gan_bound_at_the_optimal_critic_is_the_divergence() {
    // With T*(x) = f'(p(x)/q(x)) the bound is tight (Nowozin eq. 7-8). Two-point distributions
    // P = (0.7, 0.3), Q = (0.4, 0.6); the batches hold each point in proportion to its mass, and
    // the raw output v is chosen so that g_f(v) = T*.
    let p = [0.7, 0.3];
    let q = [0.4, 0.6];
    // (divergence, f'(u), inverse of g_f, f(u))
    type Fun = fn(f64) -> f64;
    let cases: [(FDivergence, Fun, Fun, Fun); 5] = [
        (FDivergence::Kl, |u| 1.0 + u.ln(), |t| t, |u| u * u.ln()),
        (
            FDivergence::ReverseKl,
            |u| -1.0 / u,
            |t| -(-t).ln(),
            |u| -u.ln(),
        ),
        (
            FDivergence::Pearson,
            |u| 2.0 * (u - 1.0),
            |t| t,
            |u| (u - 1.0).powi(2),
        ),
        (
            FDivergence::SquaredHellinger,
            |u| 1.0 - 1.0 / u.sqrt(),
            |t| -(1.0 - t).ln(),
            |u| (u.sqrt() - 1.0).powi(2),
        ),
        (
            FDivergence::JensenShannon,
            |u| (2.0 * u / (1.0 + u)).ln(),
            |t| -(2.0 / t.exp() - 1.0).ln(),
            |u| -(u + 1.0) * ((1.0 + u) / 2.0).ln() + u * u.ln(),
        ),
    ];
    for (div, f_prime, g_inv, f) in cases {
        let v: Vec<f64> = (0..2).map(|i| g_inv(f_prime(p[i] / q[i]))).collect();
        // 10 samples each: P's batch has 7 of point 0, Q's batch 4 of point 0.
        let real: Vec<f64> = (0..10).map(|k| if k < 7 { v[0] } else { v[1] }).collect();
        let fake: Vec<f64> = (0..10).map(|k| if k < 4 { v[0] } else { v[1] }).collect();
        let divergence: f64 = (0..2).map(|i| q[i] * f(p[i] / q[i])).sum();
        let got = -judge(AdvLoss::FGan(div), &real, &fake, 1.0);
        assert!(
            (got - divergence).abs() < 1e-5,
            "{div:?}: bound {got} at the optimal critic, divergence {divergence}"
        );
    }
}

// ---- The players' losses. ----

#[test]
fn players_losses_follow_the_papers() {
    let fake = &FAKE;
    let cases: [(AdvLoss, f64); 5] = [
        // Goodfellow: G minimises E log(1 - D(G(z))).
        (
            AdvLoss::Minimax,
            mean(fake.iter().map(|&x| (1.0 - sigmoid(x)).ln())),
        ),
        // Goodfellow's practical variant: G maximises E log D(G(z)).
        (
            AdvLoss::NonSaturating,
            -mean(fake.iter().map(|&x| sigmoid(x).ln())),
        ),
        // Mao eq. 2 with c = 1.
        (
            AdvLoss::LeastSquares,
            0.5 * mean(fake.iter().map(|&x| (x - 1.0).powi(2))),
        ),
        (AdvLoss::Hinge, -mean(fake.iter().copied())),
        (AdvLoss::Wasserstein, -mean(fake.iter().copied())),
    ];
    for (loss, want) in cases {
        assert_close(player(loss, fake), want, &format!("{loss:?} player"));
    }
    // Zhao eq. 2: L_G = D(G(z)).
    let ebgan = AdvLoss::Energy { margin: MARGIN };
    assert_close(player(ebgan, &FAKE_E), mean(FAKE_E), "EBGAN player");
    // Nowozin section 3.2: G maximises E_Q[g_f(V(G(z)))].
    for div in DIVERGENCES {
        let want = -mean(FAKE.iter().map(|&v| g_f(div, v)));
        assert_close(
            player(AdvLoss::FGan(div), &FAKE),
            want,
            &format!("f-GAN {div:?} player"),
        );
    }
}

#[test]
fn player_loss_on_real_swaps_the_labels() {
    // Players see real samples through the judge's fake-label term: the loss they minimise on a
    // real batch is what the judge's loss on that batch would be if it were labelled generated.
    let real = &REAL;
    let cases: [(AdvLoss, f64); 5] = [
        // Zero-sum: players minimise the value's real term E log D(x).
        (
            AdvLoss::Minimax,
            mean(real.iter().map(|&x| sigmoid(x).ln())),
        ),
        // Target 0 instead of 1: -E log(1 - D(x)).
        (
            AdvLoss::NonSaturating,
            -mean(real.iter().map(|&x| (1.0 - sigmoid(x)).ln())),
        ),
        // Target a = 0 instead of c = 1.
        (
            AdvLoss::LeastSquares,
            0.5 * mean(real.iter().map(|&x| x * x)),
        ),
        // The linear player loss -E D(G(z)) mirrored: +E D(x).
        (AdvLoss::Hinge, mean(real.iter().copied())),
        (AdvLoss::Wasserstein, mean(real.iter().copied())),
    ];
    for (loss, want) in cases {
        assert_close(
            player_real(loss, real),
            want,
            &format!("{loss:?} player on real"),
        );
    }
    // EBGAN: a real sample labelled generated gets the judge's margin term [m - D(x)]^+.
    let ebgan = AdvLoss::Energy { margin: MARGIN };
    let want = mean(REAL_E.iter().map(|&e| (MARGIN - e).max(0.0)));
    assert_close(player_real(ebgan, &REAL_E), want, "EBGAN player on real");
    // f-GAN: the judge's term for Q's samples, E f*(g_f(v)), now on P's samples.
    for div in DIVERGENCES {
        let want = mean(REAL.iter().map(|&v| f_star(div, g_f(div, v))));
        let got = player_real(AdvLoss::FGan(div), &REAL);
        assert_close(got, want, &format!("f-GAN {div:?} player on real"));
    }
}

#[test]
fn zero_sum_losses_give_players_the_negated_judge_loss() {
    // For the minimax and Wasserstein games the players' two terms add up to minus the judge's
    // loss: the swap on the real side is the same game seen from the other side.
    for loss in [AdvLoss::Minimax, AdvLoss::Wasserstein] {
        let players = player(loss, &FAKE) + player_real(loss, &REAL);
        assert_close(
            players,
            -judge(loss, &REAL, &FAKE, 1.0),
            &format!("{loss:?} zero sum"),
        );
    }
}

#[test]
fn non_saturating_swap_is_the_judge_loss_with_labels_exchanged() {
    // Judge's loss with the real batch in the fake slot and vice versa equals the players' sum.
    let players =
        player(AdvLoss::NonSaturating, &FAKE) + player_real(AdvLoss::NonSaturating, &REAL);
    let swapped = judge(AdvLoss::NonSaturating, &FAKE, &REAL, 1.0);
    assert_close(players, swapped, "non-saturating swap");
    let ls = player(AdvLoss::LeastSquares, &FAKE) + player_real(AdvLoss::LeastSquares, &REAL);
    assert_close(
        ls,
        judge(AdvLoss::LeastSquares, &FAKE, &REAL, 1.0),
        "least-squares swap",
    );
}

// ---- BCE helpers. ----

#[test]
fn bce_with_logits_matches_the_cross_entropy_of_sigmoid() {
    let x = [1.3, -0.4, 2.2, 0.15];
    let t = [1.0, 0.0, 0.25, 0.9];
    let want = -mean(
        (0..4).map(|i| t[i] * sigmoid(x[i]).ln() + (1.0 - t[i]) * (1.0 - sigmoid(x[i])).ln()),
    );
    assert_close(
        value(&bce_with_logits(&tensor(&x), &tensor(&t)).unwrap()),
        want,
        "BCE",
    );
    let want_c = -mean(
        x.iter()
            .map(|&v| 0.3 * sigmoid(v).ln() + 0.7 * (1.0 - sigmoid(v)).ln()),
    );
    assert_close(
        value(&bce_with_logits_const(&tensor(&x), 0.3).unwrap()),
        want_c,
        "BCE with a constant target",
    );
}

// ---- Confident judges: finite losses and gradients, at their asymptotes. ----

/// Logits of a confident judge, on both sides.
const CONFIDENT: [f64; 4] = [50.0, -50.0, 100.0, -100.0];

/// softplus(x) = log(1 + e^x) for |x| >= 50, to far better than f32 resolution.
fn softplus_asymptote(x: f64) -> f64 {
    x.max(0.0)
}

fn assert_finite_and_close(got: (f64, Vec<f64>), want: (f64, Vec<f64>), what: &str) {
    assert!(got.0.is_finite(), "{what}: loss {}", got.0);
    assert_close(got.0, want.0, what);
    for (i, (g, w)) in got.1.iter().zip(&want.1).enumerate() {
        assert!(g.is_finite(), "{what}: gradient {i} is {g}");
        assert!((g - w).abs() < 1e-6, "{what}: gradient {i} {g}, want {w}");
    }
}

#[test]
fn confident_logits_give_finite_losses_and_gradients() {
    let n = CONFIDENT.len() as f64;
    let x = &CONFIDENT;
    // -log D(x) = softplus(-x); d/dx = -sigmoid(-x), which is 0 or -1 at these logits.
    let step = |x: f64| if x > 0.0 { 1.0 } else { 0.0 };
    for t in [1.0, 0.9] {
        // Real side of the BCE judge: mean(softplus(x) - t x), gradient (sigmoid(x) - t)/N.
        let want = (
            mean(x.iter().map(|&v| softplus_asymptote(v) - t * v)),
            x.iter().map(|&v| (step(v) - t) / n).collect(),
        );
        let got = loss_and_grad(|r| bce_with_logits_const(r, t), x);
        assert_finite_and_close(got, want, &format!("BCE real side, target {t}"));
    }
    // The whole judge, real and fake both confident: gradient through the real side.
    let fake_fixed = tensor(&[-100.0, 100.0]);
    let want_judge = (
        mean(x.iter().map(|&v| softplus_asymptote(-v))) + mean([0.0, 100.0]),
        x.iter().map(|&v| -(1.0 - step(v)) / n).collect(),
    );
    for loss in [AdvLoss::Minimax, AdvLoss::NonSaturating] {
        let got = loss_and_grad(|r| judge_loss(loss, r, &fake_fixed, 1.0), x);
        assert_finite_and_close(got, want_judge.clone(), &format!("{loss:?} judge"));
    }
    // Non-saturating player: softplus(-x)/N, d/dx = -sigmoid(-x)/N.
    let want_ns = (
        mean(x.iter().map(|&v| softplus_asymptote(-v))),
        x.iter().map(|&v| -(1.0 - step(v)) / n).collect(),
    );
    let got = loss_and_grad(|f| player_loss(AdvLoss::NonSaturating, f), x);
    assert_finite_and_close(got, want_ns, "non-saturating player");
    // Minimax player: -softplus(x)/N, d/dx = -sigmoid(x)/N.
    let want_mm = (
        -mean(x.iter().map(|&v| softplus_asymptote(v))),
        x.iter().map(|&v| -step(v) / n).collect(),
    );
    let got = loss_and_grad(|f| player_loss(AdvLoss::Minimax, f), x);
    assert_finite_and_close(got, want_mm, "minimax player");
    // Players on the real side: NS softplus(x)/N; minimax -softplus(-x)/N.
    let want = (
        mean(x.iter().map(|&v| softplus_asymptote(v))),
        x.iter().map(|&v| step(v) / n).collect(),
    );
    let got = loss_and_grad(|r| player_loss_on_real(AdvLoss::NonSaturating, r), x);
    assert_finite_and_close(got, want, "non-saturating player on real");
    let want = (
        -mean(x.iter().map(|&v| softplus_asymptote(-v))),
        x.iter().map(|&v| (1.0 - step(v)) / n).collect(),
    );
    let got = loss_and_grad(|r| player_loss_on_real(AdvLoss::Minimax, r), x);
    assert_finite_and_close(got, want, "minimax player on real");
}

#[test]
fn confident_f_gan_logit_losses_stay_finite() {
    // Jensen-Shannon: g_f(v) = log 2 - softplus(-v), f*(g_f(v)) = softplus(v) - log 2.
    let js = AdvLoss::FGan(FDivergence::JensenShannon);
    let x = &CONFIDENT;
    let n = x.len() as f64;
    let step = |x: f64| if x > 0.0 { 1.0 } else { 0.0 };
    let want = (
        -mean(x.iter().map(|&v| LN_2 - softplus_asymptote(-v))),
        x.iter().map(|&v| -(1.0 - step(v)) / n).collect(),
    );
    assert_finite_and_close(loss_and_grad(|f| player_loss(js, f), x), want, "JS player");
    let real = tensor(&[60.0, -60.0]);
    let want = (
        mean(x.iter().map(|&v| softplus_asymptote(v) - LN_2)) - mean([LN_2, LN_2 - 60.0]),
        x.iter().map(|&v| step(v) / n).collect(),
    );
    let got = loss_and_grad(|f| judge_loss(js, &real, f, 1.0), x);
    assert_finite_and_close(got, want, "JS judge");
    // Total variation saturates through tanh: loss +-1/2, gradient 0.
    let tv = AdvLoss::FGan(FDivergence::TotalVariation);
    let want = (-mean(x.iter().map(|&v| 0.5 * v.signum())), vec![0.0; 4]);
    assert_finite_and_close(loss_and_grad(|f| player_loss(tv, f), x), want, "TV player");
}

// ---- Gradients against analytic derivatives at moderate logits. ----

fn assert_grad(got: &[f64], want: &[f64], what: &str) {
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() < 1e-6, "{what}: d/dx[{i}] = {g}, want {w}");
    }
}

#[test]
fn gradients_match_analytic_derivatives() {
    let x = &FAKE;
    let n = x.len() as f64;
    // NS generator: d/dx softplus(-x)/N = -sigmoid(-x)/N.
    let (_, g) = loss_and_grad(|f| player_loss(AdvLoss::NonSaturating, f), x);
    let want: Vec<f64> = x.iter().map(|&v| -sigmoid(-v) / n).collect();
    assert_grad(&g, &want, "non-saturating player");
    // Minimax generator: d/dx log(1 - sigmoid(x))/N = -sigmoid(x)/N.
    let (_, g) = loss_and_grad(|f| player_loss(AdvLoss::Minimax, f), x);
    let want: Vec<f64> = x.iter().map(|&v| -sigmoid(v) / n).collect();
    assert_grad(&g, &want, "minimax player");
    // Least-squares generator: (x - 1)/N.
    let (_, g) = loss_and_grad(|f| player_loss(AdvLoss::LeastSquares, f), x);
    let want: Vec<f64> = x.iter().map(|&v| (v - 1.0) / n).collect();
    assert_grad(&g, &want, "least-squares player");

    let fake = tensor(&FAKE);
    let r = &REAL;
    let m = r.len() as f64;
    // Smoothed BCE judge, real side: (sigmoid(x) - 0.9)/M.
    let (_, g) = loss_and_grad(|t| judge_loss(AdvLoss::NonSaturating, t, &fake, 0.9), r);
    let want: Vec<f64> = r.iter().map(|&v| (sigmoid(v) - 0.9) / m).collect();
    assert_grad(&g, &want, "smoothed BCE judge");
    // Hinge judge, real side: -1/M where 1 - x > 0, else 0.
    let (_, g) = loss_and_grad(|t| judge_loss(AdvLoss::Hinge, t, &fake, 1.0), r);
    let want: Vec<f64> = r
        .iter()
        .map(|&v| if v < 1.0 { -1.0 / m } else { 0.0 })
        .collect();
    assert_grad(&g, &want, "hinge judge");
    // KL f-GAN judge, fake side: d/dv exp(v - 1)/N.
    let real = tensor(&REAL);
    let kl = AdvLoss::FGan(FDivergence::Kl);
    let (_, g) = loss_and_grad(|f| judge_loss(kl, &real, f, 1.0), x);
    let want: Vec<f64> = x.iter().map(|&v| (v - 1.0).exp() / n).collect();
    assert_grad(&g, &want, "KL f-GAN judge");
    // Squared Hellinger f-GAN judge, real side: -d/dv (1 - e^-v)/M = -e^-v/M.
    let sh = AdvLoss::FGan(FDivergence::SquaredHellinger);
    let (_, g) = loss_and_grad(|t| judge_loss(sh, t, &fake, 1.0), r);
    let want: Vec<f64> = r.iter().map(|&v| -(-v).exp() / m).collect();
    assert_grad(&g, &want, "squared Hellinger f-GAN judge");
}

#[test]
fn f_gan_gradients_match_finite_differences_of_the_table_6_composition() {
    // d/dv of the judge's fake-side term f*(g_f(v))/N by central differences in f64.
    let x = &FAKE;
    let n = x.len() as f64;
    let real = tensor(&REAL);
    let h = 1e-5;
    for div in DIVERGENCES {
        let (_, g) = loss_and_grad(|f| judge_loss(AdvLoss::FGan(div), &real, f, 1.0), x);
        let want: Vec<f64> = x
            .iter()
            .map(|&v| (f_star(div, g_f(div, v + h)) - f_star(div, g_f(div, v - h))) / (2.0 * h) / n)
            .collect();
        for (i, (a, b)) in g.iter().zip(&want).enumerate() {
            assert!(
                (a - b).abs() < 1e-5 * (1.0 + b.abs()),
                "{div:?}: d/dv[{i}] = {a}, finite differences {b}"
            );
        }
    }
}
