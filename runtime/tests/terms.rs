//! The extra game terms of `game::terms` against values computed by hand in f64.

use candle_core::{DType, Device, Result, Tensor, Var};
use ganc_runtime::game::terms::{apply, cross_entropy, feature_matching, pull_away};
use ganc_runtime::ganc_compiler::graph::LossFn;

fn tensor(v: &[f64], shape: &[usize]) -> Tensor {
    let data: Vec<f32> = v.iter().map(|&x| x as f32).collect();
    Tensor::from_vec(data, shape, &Device::Cpu).unwrap()
}

fn tensor64(v: &[f64], shape: &[usize]) -> Tensor {
    Tensor::from_vec(v.to_vec(), shape, &Device::Cpu).unwrap()
}

fn value(t: &Tensor) -> f64 {
    t.to_dtype(DType::F64).unwrap().to_scalar::<f64>().unwrap()
}

fn flat(t: &Tensor) -> Vec<f64> {
    t.to_dtype(DType::F64)
        .unwrap()
        .flatten_all()
        .unwrap()
        .to_vec1()
        .unwrap()
}

fn assert_close(got: f64, want: f64, what: &str) {
    let tol = 2e-6 * (1.0 + want.abs());
    assert!((got - want).abs() <= tol, "{what}: got {got}, want {want}");
}

fn mean(v: impl IntoIterator<Item = f64>) -> f64 {
    let v: Vec<f64> = v.into_iter().collect();
    v.iter().sum::<f64>() / v.len() as f64
}

/// The loss and its gradient with respect to `x`.
fn loss_and_grad(f: impl Fn(&Tensor) -> Result<Tensor>, x: &Tensor) -> (f64, Vec<f64>) {
    let var = Var::from_tensor(x).unwrap();
    let loss = f(var.as_tensor()).unwrap();
    let grads = loss.backward().unwrap();
    let g = grads
        .get(var.as_tensor())
        .expect("the input gets a gradient");
    (value(&loss), flat(g))
}

const A: [f64; 6] = [0.5, -1.25, 2.0, 0.0, 3.5, -0.75];
const B: [f64; 6] = [1.5, -1.0, -2.0, 0.25, 3.0, 0.75];

#[test]
fn l1_mse_and_mean_match_hand_values() {
    let a = tensor(&A, &[2, 3]);
    let b = tensor(&B, &[2, 3]);
    // |a - b| = 1, 0.25, 4, 0.25, 0.5, 1.5: sum 7.5 over 6 elements.
    let l1 = value(&apply(LossFn::L1, &[a.clone(), b.clone()]).unwrap());
    assert_close(l1, 7.5 / 6.0, "l1");
    // squares 1, 0.0625, 16, 0.0625, 0.25, 2.25: sum 19.625.
    let mse = value(&apply(LossFn::Mse, &[a.clone(), b.clone()]).unwrap());
    assert_close(mse, 19.625 / 6.0, "mse");
    // 0.5 - 1.25 + 2 + 0 + 3.5 - 0.75 = 4.
    assert_close(
        value(&apply(LossFn::Mean, &[a]).unwrap()),
        4.0 / 6.0,
        "mean",
    );
}

#[test]
fn bce_with_logits_term_matches_the_cross_entropy_of_sigmoid() {
    let x: [f64; 4] = [0.5, -1.25, 2.0, 0.0];
    let t = [1.0, 0.0, 0.3, 0.5];
    let want = -mean((0..4).map(|i| {
        let s = 1.0 / (1.0 + (-x[i]).exp());
        t[i] * s.ln() + (1.0 - t[i]) * (1.0 - s).ln()
    }));
    let got = apply(
        LossFn::BceWithLogits,
        &[tensor(&x, &[2, 2]), tensor(&t, &[2, 2])],
    )
    .unwrap();
    assert_close(value(&got), want, "bce_with_logits");
}

/// -log softmax(row)[label] computed naively in f64 (fine for moderate logits).
fn naive_ce(logits: &[f64], cols: usize, labels: &[usize]) -> f64 {
    mean(labels.iter().enumerate().map(|(r, &y)| {
        let row = &logits[r * cols..(r + 1) * cols];
        let z: f64 = row.iter().map(|v| v.exp()).sum();
        -(row[y].exp() / z).ln()
    }))
}

const LOGITS: [f64; 6] = [1.0, 2.0, 0.5, -1.0, 0.3, 2.5];

#[test]
fn cross_entropy_matches_log_softmax_in_f64() {
    let want = naive_ce(&LOGITS, 3, &[1, 0]);
    let logits = tensor(&LOGITS, &[2, 3]);
    let labels = Tensor::new(&[1u32, 0], &Device::Cpu).unwrap();
    assert_close(
        value(&cross_entropy(&logits, &labels).unwrap()),
        want,
        "cross_entropy",
    );
    // Labels stored as floats (as a data loader may give them) select the same classes.
    let float_labels = tensor(&[1.0, 0.0], &[2]);
    let got = apply(LossFn::CrossEntropy, &[logits, float_labels]).unwrap();
    assert_close(value(&got), want, "cross_entropy with float labels");
}

#[test]
fn cross_entropy_gradient_is_softmax_minus_one_hot() {
    let labels = Tensor::new(&[2u32, 1], &Device::Cpu).unwrap();
    let (_, g) = loss_and_grad(|l| cross_entropy(l, &labels), &tensor(&LOGITS, &[2, 3]));
    for (r, y) in [(0usize, 2usize), (1, 1)] {
        let row = &LOGITS[r * 3..r * 3 + 3];
        let z: f64 = row.iter().map(|v| v.exp()).sum();
        for c in 0..3 {
            let want = (row[c].exp() / z - if c == y { 1.0 } else { 0.0 }) / 2.0;
            let got = g[r * 3 + c];
            assert!(
                (got - want).abs() < 1e-6,
                "d/dlogit[{r},{c}] = {got}, want {want}"
            );
        }
    }
}

#[test]
fn cross_entropy_of_huge_logits_is_finite() {
    // Row 0: log-sum-exp = 1000 (the other terms are e^-1000); the label's logit is 0.
    // Row 1: log-sum-exp = 1000 + log(1 + e^-1) (e^-1005 negligible); the label's logit is 999.
    let logits = tensor(&[1000.0, 0.0, -1000.0, 1000.0, 999.0, -5.0], &[2, 3]);
    let labels = Tensor::new(&[1u32, 1], &Device::Cpu).unwrap();
    let want = (1000.0 + (1.0 + (1.0 + (-1f64).exp()).ln())) / 2.0;
    let (loss, g) = loss_and_grad(|l| cross_entropy(l, &labels), &logits);
    assert_close(loss, want, "cross_entropy at logits 1000");
    let p = 1.0 / (1.0 + (-1f64).exp()); // softmax of row 1 at the 1000 logit
    let want_g = [0.5, -0.5, 0.0, p / 2.0, (1.0 - p - 1.0) / 2.0, 0.0];
    for (i, (a, b)) in g.iter().zip(want_g).enumerate() {
        assert!(
            a.is_finite() && (a - b).abs() < 1e-6,
            "gradient {i}: {a}, want {b}"
        );
    }
}

#[test]
fn feature_matching_is_the_squared_distance_of_batch_means() {
    // Two samples of [2, 2] features each, flattened to 4.
    let real = [1.0, 2.0, -1.0, 0.5, 3.0, 0.0, 1.0, -0.5];
    let fake = [0.0, 1.0, 1.0, 1.0, 1.0, 2.0, -1.0, 0.0];
    // Batch means: real (2, 1, 0, 0), fake (0.5, 1.5, 0, 0.5);
    // differences 1.5, -0.5, 0, -0.5: squares 2.25 + 0.25 + 0 + 0.25.
    let want = 2.75;
    let got = feature_matching(&tensor(&real, &[2, 2, 2]), &tensor(&fake, &[2, 2, 2])).unwrap();
    assert_close(value(&got), want, "feature matching");
    let via_apply = apply(
        LossFn::FeatureMatching,
        &[tensor(&real, &[2, 4]), tensor(&fake, &[2, 4])],
    )
    .unwrap();
    assert_close(value(&via_apply), want, "feature matching through apply");
}

/// EBGAN eq. 6 by hand: sum over i != j of cos^2(s_i, s_j), divided by N(N-1).
fn pull_away_by_hand(codes: &[f64], dim: usize) -> f64 {
    let n = codes.len() / dim;
    let s = |i: usize| &codes[i * dim..(i + 1) * dim];
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    let mut total = 0.0;
    for i in 0..n {
        for j in 0..n {
            if i != j {
                let c = dot(s(i), s(j)) / (dot(s(i), s(i)).sqrt() * dot(s(j), s(j)).sqrt());
                total += c * c;
            }
        }
    }
    total / (n * (n - 1)) as f64
}

const CODES: [f64; 12] = [
    1.0, 2.0, 0.0, -1.0, 0.5, -0.5, 3.0, 1.0, -2.0, 1.0, 1.0, 0.5,
];

#[test]
fn pull_away_matches_ebgan_equation_6() {
    // Pairwise cosines of the three 4-vectors, written out:
    // s0.s1 = 0.5 - 1 + 0 - 1 = -1.5, |s0|^2 = 6, |s1|^2 = 10.5;
    // s0.s2 = -2 + 2 + 0 - 0.5 = -0.5, |s2|^2 = 6.25; s1.s2 = -1 - 0.5 + 3 + 0.5 = 2.
    let c01 = 1.5f64.powi(2) / (6.0 * 10.5);
    let c02 = 0.5f64.powi(2) / (6.0 * 6.25);
    let c12 = 2f64.powi(2) / (10.5 * 6.25);
    let want = 2.0 * (c01 + c02 + c12) / 6.0;
    assert!((pull_away_by_hand(&CODES, 4) - want).abs() < 1e-12);
    let got = pull_away(&tensor(&CODES, &[3, 2, 2])).unwrap();
    assert_close(value(&got), want, "pull-away f32");
    let got64 = apply(LossFn::PullAway, &[tensor64(&CODES, &[3, 4])]).unwrap();
    assert!(
        (value(&got64) - want).abs() < 1e-12,
        "pull-away f64: {}",
        value(&got64)
    );
}

#[test]
fn pull_away_is_zero_for_orthogonal_and_one_for_parallel_codes() {
    let orthogonal = [2.0, 0.0, 0.0, 0.0, -3.0, 0.0, 0.0, 0.0, 0.5];
    assert_close(
        value(&pull_away(&tensor(&orthogonal, &[3, 3])).unwrap()),
        0.0,
        "orthogonal",
    );
    // Parallel and anti-parallel codes: every squared cosine is 1.
    let parallel = [1.0, 2.0, -2.0, -4.0, 0.5, 1.0];
    assert_close(
        value(&pull_away(&tensor(&parallel, &[3, 2])).unwrap()),
        1.0,
        "parallel",
    );
}

#[test]
fn pull_away_gradient_matches_finite_differences() {
    let (_, g) = loss_and_grad(pull_away, &tensor64(&CODES, &[3, 4]));
    let h = 1e-6;
    for i in 0..CODES.len() {
        let mut up = CODES;
        let mut down = CODES;
        up[i] += h;
        down[i] -= h;
        let fd = (pull_away_by_hand(&up, 4) - pull_away_by_hand(&down, 4)) / (2.0 * h);
        assert!(
            (g[i] - fd).abs() < 1e-7,
            "d/ds[{i}] = {}, finite differences {fd}",
            g[i]
        );
    }
}

#[test]
fn malformed_operands_are_errors_not_panics() {
    let one = tensor(&[1.0, 2.0], &[1, 2]);
    assert!(pull_away(&one).is_err(), "a batch of one has no pairs");
    assert!(
        apply(LossFn::L1, std::slice::from_ref(&one)).is_err(),
        "L1 lacks its second operand"
    );
    assert!(apply(LossFn::Mean, &[]).is_err(), "mean lacks its operand");
}
