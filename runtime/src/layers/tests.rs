//! Forward values against hand computations and the naive loops in `naive.rs`, and the
//! error paths. Gradients are checked in `tests/gradients.rs`.

use candle_core::{DType, Device, Result, Tensor};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::naive;
use super::*;

fn rand_vec(n: usize, seed: u64) -> Vec<f64> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..n).map(|_| rng.random_range(-1.0..1.0)).collect()
}

fn tensor(v: &[f64], dims: &[usize]) -> Tensor {
    Tensor::from_vec(v.to_vec(), dims, &Device::Cpu).unwrap()
}

fn flat(t: &Tensor) -> Vec<f64> {
    t.flatten_all().unwrap().to_vec1::<f64>().unwrap()
}

fn assert_close(got: &[f64], want: &[f64], tol: f64) {
    assert_eq!(got.len(), want.len(), "lengths differ");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() <= tol, "element {i}: got {g}, want {w}");
    }
}

fn message(r: Result<Tensor>) -> String {
    match r {
        Ok(t) => panic!("expected an error, got a tensor of shape {:?}", t.dims()),
        Err(e) => e.to_string(),
    }
}

#[test]
fn conv2d_matches_direct_loops() {
    for (h, w, k, s, p, d) in [
        (5, 7, 3, 2, 1, 1),
        (8, 7, 4, 2, 1, 1),
        (5, 7, 3, 1, 2, 2),
        (6, 6, 2, 3, 0, 1),
    ] {
        let (xd, wd) = ([2, 3, 1, h, w], [4, 3, 1, k, k]);
        let (xv, wv) = (rand_vec(2 * 3 * h * w, 1), rand_vec(4 * 3 * k * k, 2));
        let bias = rand_vec(4, 3);
        let got = conv2d(
            &tensor(&xv, &[2, 3, h, w]),
            &tensor(&wv, &[4, 3, k, k]),
            Some(&tensor(&bias, &[4])),
            s,
            p,
            d,
        )
        .unwrap();
        let (want, yd) = naive::conv(&xv, xd, &wv, wd, s, (0, p), d);
        assert_eq!(got.dims(), &[yd[0], yd[1], yd[3], yd[4]]);
        let per_channel = yd[3] * yd[4];
        let want: Vec<f64> = want
            .iter()
            .enumerate()
            .map(|(i, v)| v + bias[(i / per_channel) % 4])
            .collect();
        assert_close(&flat(&got), &want, 1e-12);
    }
}

#[test]
fn conv_transpose2d_matches_direct_loops() {
    for (k, s, p, op) in [(3, 2, 1, 1), (4, 2, 1, 0), (3, 1, 0, 0), (5, 3, 2, 2)] {
        let (xd, wd) = ([2, 3, 1, 3, 4], [3, 2, 1, k, k]);
        let (xv, wv) = (rand_vec(2 * 3 * 12, 4), rand_vec(3 * 2 * k * k, 5));
        let got = conv_transpose2d(
            &tensor(&xv, &[2, 3, 3, 4]),
            &tensor(&wv, &[3, 2, k, k]),
            None,
            s,
            p,
            op,
        )
        .unwrap();
        let (want, yd) = naive::conv_transpose(&xv, xd, &wv, wd, s, (0, p), (0, op));
        assert_eq!(got.dims(), &[yd[0], yd[1], yd[3], yd[4]]);
        assert_close(&flat(&got), &want, 1e-12);
    }
}

#[test]
fn conv3d_matches_direct_loops() {
    for (s, p) in [(2, 1), (1, 0), (2, 0)] {
        let (xd, wd) = ([2, 2, 5, 4, 5], [3, 2, 3, 2, 3]);
        let (xv, wv) = (rand_vec(2 * 2 * 100, 6), rand_vec(3 * 2 * 18, 7));
        let got = conv3d(&tensor(&xv, &xd), &tensor(&wv, &wd), None, s, p).unwrap();
        let (want, yd) = naive::conv(&xv, xd, &wv, wd, s, (p, p), 1);
        assert_eq!(got.dims(), &yd);
        assert_close(&flat(&got), &want, 1e-12);
    }
}

#[test]
fn conv_transpose3d_matches_direct_loops() {
    for (s, p, op) in [(2, 1, 1), (1, 0, 0), (2, 0, 0), (3, 1, 2)] {
        let (xd, wd) = ([2, 2, 3, 2, 3], [2, 3, 3, 2, 3]);
        let (xv, wv) = (rand_vec(2 * 2 * 18, 8), rand_vec(2 * 3 * 18, 9));
        let bias = rand_vec(3, 10);
        let got = conv_transpose3d(
            &tensor(&xv, &xd),
            &tensor(&wv, &wd),
            Some(&tensor(&bias, &[3])),
            s,
            p,
            op,
        )
        .unwrap();
        let (want, yd) = naive::conv_transpose(&xv, xd, &wv, wd, s, (p, p), (op, op));
        assert_eq!(got.dims(), &yd);
        let per_channel = yd[2] * yd[3] * yd[4];
        let want: Vec<f64> = want
            .iter()
            .enumerate()
            .map(|(i, v)| v + bias[(i / per_channel) % 3])
            .collect();
        assert_close(&flat(&got), &want, 1e-12);
    }
}

#[test]
fn pools_match_direct_loops() {
    let xd = [2, 3, 5, 7];
    let xv = rand_vec(2 * 3 * 35, 11);
    let x = tensor(&xv, &xd);
    for (k, s) in [(2, 2), (3, 2), (2, 3), (3, 1)] {
        assert_close(
            &flat(&max_pool2d(&x, k, s).unwrap()),
            &naive::pool(&xv, xd, k, s, true),
            0.0,
        );
        assert_close(
            &flat(&avg_pool2d(&x, k, s).unwrap()),
            &naive::pool(&xv, xd, k, s, false),
            1e-12,
        );
    }
    assert!(message(max_pool2d(&x, 6, 1)).contains("larger than the input"));
}

#[test]
fn linear_by_hand() {
    let x = tensor(&[1.0, 2.0], &[1, 2]);
    let w = tensor(&[1.0, -1.0, 0.5, 3.0], &[2, 2]);
    let b = tensor(&[0.25, -1.0], &[2]);
    // [1 - 2 + 0.25, 0.5 + 6 - 1]
    assert_close(
        &flat(&linear(&x, &w, Some(&b)).unwrap()),
        &[-0.75, 5.5],
        1e-15,
    );
    assert!(message(linear(&tensor(&[1.0; 3], &[1, 3]), &w, None)).contains("[1, 2]"));
}

#[test]
fn pixel_shuffle_orders_like_pytorch() {
    // torch.arange(8.).view(1, 4, 1, 2) shuffled by 2: channel i*2+j -> offset (i, j).
    let x = Tensor::arange(0.0f64, 8.0, &Device::Cpu)
        .unwrap()
        .reshape((1, 4, 1, 2))
        .unwrap();
    let y = pixel_shuffle(&x, 2).unwrap();
    assert_eq!(y.dims(), &[1, 1, 2, 4]);
    assert_close(&flat(&y), &[0.0, 2.0, 1.0, 3.0, 4.0, 6.0, 5.0, 7.0], 0.0);
    assert!(message(pixel_shuffle(&x, 3)).contains("divisible"));
}

#[test]
fn bilinear_2x2_to_4x4_by_hand() {
    // align_corners=False: output column i samples (i + 0.5) / 2 - 0.5 = -0.25 (clamped to
    // 0), 0.25, 0.75, 1.25 (clamped to 1), i.e. weights (1, 0), (.75, .25), (.25, .75), (0, 1).
    let x = tensor(&[1.0, 2.0, 3.0, 4.0], &[1, 1, 2, 2]);
    let y = upsample_bilinear2d(&x, 4, 4).unwrap();
    #[rustfmt::skip]
    let want = [
        1.0, 1.25, 1.75, 2.0,
        1.5, 1.75, 2.25, 2.5,
        2.5, 2.75, 3.25, 3.5,
        3.0, 3.25, 3.75, 4.0,
    ];
    assert_close(&flat(&y), &want, 1e-15);
}

#[test]
fn nearest_upsampling_repeats_blocks() {
    let x = tensor(&[1.0, 2.0, 3.0, 4.0], &[1, 1, 2, 2]);
    let y = upsample_nearest2d(&x, 2, 3).unwrap();
    #[rustfmt::skip]
    let want = [
        1.0, 1.0, 1.0, 2.0, 2.0, 2.0,
        1.0, 1.0, 1.0, 2.0, 2.0, 2.0,
        3.0, 3.0, 3.0, 4.0, 4.0, 4.0,
        3.0, 3.0, 3.0, 4.0, 4.0, 4.0,
    ];
    assert_close(&flat(&y), &want, 0.0);
}

#[test]
fn padding_by_hand() {
    let x = tensor(&[0.0, 1.0, 2.0, 3.0, 10.0, 11.0, 12.0, 13.0], &[1, 1, 2, 4]);
    // Columns: left 2 -> [2 1 | 0 1 2 3 | 2], rows: top 1 -> row 1 first.
    let y = reflection_pad2d(&x, 2, 1, 1, 0).unwrap();
    assert_eq!(y.dims(), &[1, 1, 3, 7]);
    #[rustfmt::skip]
    let want = [
        12.0, 11.0, 10.0, 11.0, 12.0, 13.0, 12.0,
        2.0, 1.0, 0.0, 1.0, 2.0, 3.0, 2.0,
        12.0, 11.0, 10.0, 11.0, 12.0, 13.0, 12.0,
    ];
    assert_close(&flat(&y), &want, 0.0);
    assert!(message(reflection_pad2d(&x, 0, 0, 2, 0)).contains("smaller than the input"));
    let z = zero_pad2d(&x, 1, 0, 0, 1).unwrap();
    assert_eq!(z.dims(), &[1, 1, 3, 5]);
    assert_close(&flat(&z)[..5], &[0.0, 0.0, 1.0, 2.0, 3.0], 0.0);
    assert_close(&flat(&z)[10..], &[0.0; 5], 0.0);
}

#[test]
fn minibatch_discrimination_two_samples_by_hand() {
    // T = I, B = 2 kernels of C = 1: M = x. Kernel 0 distance |1 - 0.5| = 0.5, kernel 1
    // |2 - (-1)| = 3; each sample also counts itself (exp(0) = 1).
    let x = tensor(&[1.0, 2.0, 0.5, -1.0], &[2, 2]);
    let t = tensor(&[1.0, 0.0, 0.0, 1.0], &[2, 2]);
    let y = minibatch_discrimination(&x, &t, 2, 1).unwrap();
    let (a, b) = (1.0 + (-0.5f64).exp(), 1.0 + (-3.0f64).exp());
    assert_close(&flat(&y), &[1.0, 2.0, a, b, 0.5, -1.0, a, b], 1e-15);
    assert!(message(minibatch_discrimination(&x, &t, 2, 2)).contains("[2, 4]"));
}

#[test]
fn batch_norm_by_hand() {
    // Channel 0: 1, 3 -> mean 2, var 1; channel 1: 0, 4 -> mean 2, var 4.
    let x = tensor(&[1.0, 0.0, 3.0, 4.0], &[2, 2]);
    let gamma = tensor(&[2.0, 1.0], &[2]);
    let beta = tensor(&[0.5, 0.0], &[2]);
    let (y, stats) = batch_norm_train(&x, Some((&gamma, &beta)), 0.0).unwrap();
    assert_close(&flat(&y), &[-1.5, -1.0, 2.5, 1.0], 1e-15);
    assert_close(&flat(&stats.mean), &[2.0, 2.0], 0.0);
    assert_close(&flat(&stats.var), &[1.0, 4.0], 0.0);
    assert_close(&flat(&stats.unbiased_var().unwrap()), &[2.0, 8.0], 1e-15);
    let running = batch_norm_eval(
        &x,
        &tensor(&[1.0, 0.0], &[2]),
        &tensor(&[4.0, 1.0], &[2]),
        None,
        0.0,
    )
    .unwrap();
    assert_close(&flat(&running), &[0.0, 0.0, 1.0, 4.0], 1e-15);
    let single = tensor(&[1.0, 2.0], &[1, 2]);
    assert!(batch_norm_train(&single, None, 1e-5).is_err());
}

#[test]
fn instance_group_layer_norm_by_hand() {
    // One example, 2 channels of 2 values: [1, 3] and [0, 4].
    let x = tensor(&[1.0, 3.0, 0.0, 4.0], &[1, 2, 1, 2]);
    let inst = instance_norm(&x, None, 0.0).unwrap();
    assert_close(&flat(&inst), &[-1.0, 1.0, -1.0, 1.0], 1e-15);
    // One group: mean 2, var (1 + 1 + 4 + 4) / 4 = 2.5.
    let s = 2.5f64.sqrt();
    let want = [-1.0 / s, 1.0 / s, -2.0 / s, 2.0 / s];
    assert_close(&flat(&group_norm(&x, 1, None, 0.0).unwrap()), &want, 1e-15);
    assert_close(&flat(&layer_norm(&x, None, 0.0).unwrap()), &want, 1e-15);
    // Two groups = instance norm.
    assert_close(
        &flat(&group_norm(&x, 2, None, 0.0).unwrap()),
        &flat(&inst),
        1e-15,
    );
    assert!(message(group_norm(&x, 3, None, 0.0)).contains("divisible"));
    let bad_gamma = tensor(&[1.0; 3], &[3]);
    assert!(message(instance_norm(&x, Some((&bad_gamma, &bad_gamma)), 1e-5)).contains("gamma"));
}

#[test]
fn virtual_batch_norm_by_hand() {
    // Reference batch of m = 3 with mean 1, var 2 (so E[x^2] = 3); example value 5:
    // mu = (5 + 3 * 1) / 4 = 2, E2 = (25 + 3 * 3) / 4 = 8.5, var = 8.5 - 4 = 4.5.
    let x = tensor(&[5.0], &[1, 1]);
    let y = virtual_batch_norm(
        &x,
        &tensor(&[1.0], &[1]),
        &tensor(&[2.0], &[1]),
        3,
        None,
        0.0,
    )
    .unwrap();
    assert_close(&flat(&y), &[3.0 / 4.5f64.sqrt()], 1e-15);
    // Spatial input: the example's own statistics are its spatial means.
    let x = tensor(&[1.0, 3.0], &[1, 1, 1, 2]);
    let y = virtual_batch_norm(
        &x,
        &tensor(&[0.0], &[1]),
        &tensor(&[1.0], &[1]),
        1,
        None,
        0.0,
    )
    .unwrap();
    // mu = (2 + 0) / 2 = 1, E2 = (5 + 1) / 2 = 3, var = 2.
    assert_close(&flat(&y), &[0.0, 2.0 / 2f64.sqrt()], 1e-15);
    let reference = tensor(&[0.0, 2.0, 4.0, 2.0], &[4, 1]);
    let (m, v) = reference_stats(&reference).unwrap();
    assert_close(&flat(&m), &[2.0], 0.0);
    assert_close(&flat(&v), &[2.0], 0.0);
}

#[test]
fn activations_by_hand_and_stable_at_extremes() {
    let x = tensor(&[-2.0, 0.5, -800.0, 800.0], &[4]);
    let e = |v: f64| v.exp();
    assert_close(
        &flat(&leaky_relu(&x, 0.2).unwrap()),
        &[-0.4, 0.5, -160.0, 800.0],
        1e-12,
    );
    // A negative slope takes the general path: -2 * -0.5 = 1.
    assert_close(
        &flat(&leaky_relu(&x, -0.5).unwrap()),
        &[1.0, 0.5, 400.0, 800.0],
        1e-12,
    );
    assert_close(
        &flat(&elu(&x, 0.7).unwrap()),
        &[0.7 * (e(-2.0) - 1.0), 0.5, -0.7, 800.0],
        1e-15,
    );
    assert_close(
        &flat(&sigmoid(&x).unwrap()),
        &[1.0 / (1.0 + e(2.0)), 1.0 / (1.0 + e(-0.5)), 0.0, 1.0],
        1e-15,
    );
    assert_close(
        &flat(&softplus(&x).unwrap()),
        &[(1.0 + e(-2.0)).ln(), (1.0 + e(0.5)).ln(), 0.0, 800.0],
        1e-15,
    );
    assert_close(
        &flat(&log_sigmoid(&x).unwrap()),
        &[-(1.0 + e(2.0)).ln(), -(1.0 + e(-0.5)).ln(), -800.0, 0.0],
        1e-13,
    );
    let xc = tensor(&[-1.0, 2.0, -3.0, 4.0], &[1, 2, 2]);
    let y = prelu(&xc, &tensor(&[0.5, 0.1], &[2])).unwrap();
    assert_close(&flat(&y), &[-0.5, 2.0, -0.3, 4.0], 1e-15);
    assert!(message(prelu(&xc, &tensor(&[0.5; 3], &[3]))).contains("weight"));
}

#[test]
fn dropout_is_seeded_and_scaled() {
    let x = Tensor::ones((100, 100), DType::F64, &Device::Cpu).unwrap();
    let a = dropout(&x, 0.25, &mut StdRng::seed_from_u64(3)).unwrap();
    let b = dropout(&x, 0.25, &mut StdRng::seed_from_u64(3)).unwrap();
    let (va, vb) = (flat(&a), flat(&b));
    assert_eq!(va, vb);
    // Survivors are scaled by 1/(1-p); about 75% survive.
    assert!(va
        .iter()
        .all(|&v| v == 0.0 || (v - 4.0 / 3.0).abs() < 1e-15));
    let kept = va.iter().filter(|&&v| v != 0.0).count();
    assert!((7000..8000).contains(&kept), "kept {kept}");
    assert_close(
        &flat(&dropout_with_mask(&x, &x, 1.0).unwrap()),
        &[0.0; 10000],
        0.0,
    );
    assert!(dropout(&x, 1.5, &mut StdRng::seed_from_u64(3)).is_err());
}

#[test]
fn embedding_and_one_hot() {
    let table = tensor(&[0.0, 1.0, 10.0, 11.0, 20.0, 21.0], &[3, 2]);
    let idx = Tensor::new(&[[2u32, 0], [1, 2]], &Device::Cpu).unwrap();
    let e = embedding(&idx, &table).unwrap();
    assert_eq!(e.dims(), &[2, 2, 2]);
    assert_close(
        &flat(&e),
        &[20.0, 21.0, 0.0, 1.0, 10.0, 11.0, 20.0, 21.0],
        0.0,
    );
    let oh = one_hot(&idx, 3, DType::F64).unwrap();
    assert_close(
        &flat(&oh),
        &[0., 0., 1., 1., 0., 0., 0., 1., 0., 0., 0., 1.],
        0.0,
    );
    let bad = Tensor::new(&[3u32], &Device::Cpu).unwrap();
    assert!(message(embedding(&bad, &table)).contains("index 3 is out of range for size 3"));
    assert!(one_hot(&bad, 3, DType::F64).is_err());
    assert!(message(one_hot(&table, 3, DType::F64)).contains("u32"));
}

#[test]
fn spectral_norm_divides_by_the_top_singular_value() {
    // [[2, 1], [1, 2]] has singular values 3 and 1.
    let w = tensor(&[2.0, 1.0, 1.0, 2.0], &[2, 2]);
    let (wn, u) = spectral_norm(&w, &tensor(&[1.0, 0.0], &[2]), 30, 1e-12).unwrap();
    assert_close(
        &flat(&wn),
        &[2.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0, 2.0 / 3.0],
        1e-12,
    );
    let h = 0.5f64.sqrt();
    assert_close(&flat(&u), &[h, h], 1e-12);
    assert!(spectral_norm(&w, &tensor(&[1.0; 3], &[3]), 1, 1e-12).is_err());
    assert!(spectral_norm(&w, &tensor(&[1.0, 0.0], &[2]), 0, 1e-12).is_err());
}

#[test]
fn convolution_argument_errors() {
    let x = tensor(&[0.0; 2 * 3 * 5 * 7], &[2, 3, 5, 7]);
    let w = tensor(&[0.0; 4 * 3 * 9], &[4, 3, 3, 3]);
    assert!(message(conv2d(&x, &w, None, 0, 0, 1)).contains("stride must be at least 1"));
    assert!(message(conv2d(
        &x,
        &tensor(&[0.0; 36], &[4, 1, 3, 3]),
        None,
        1,
        0,
        1
    ))
    .contains("[4, 3, 3, 3]"));
    assert!(message(conv2d(&x, &w, None, 1, 0, 4)).contains("larger than the padded input"));
    assert!(message(conv2d(&x, &w, Some(&tensor(&[0.0; 3], &[3])), 1, 0, 1)).contains("`b`"));
    let wt = tensor(&[0.0; 3 * 2 * 9], &[3, 2, 3, 3]);
    assert!(message(conv_transpose2d(&x, &wt, None, 2, 1, 2)).contains("output_padding"));
    assert!(message(conv_transpose2d(
        &x.narrow(2, 0, 0).unwrap(),
        &wt,
        None,
        2,
        1,
        0
    ))
    .contains("empty"));
    let x5 = tensor(&[0.0; 2 * 3 * 2 * 2 * 2], &[2, 3, 2, 2, 2]);
    assert!(message(conv3d(
        &x5,
        &tensor(&[0.0; 4 * 3 * 27], &[4, 3, 3, 3, 3]),
        None,
        1,
        0
    ))
    .contains("larger than the padded depth"));
    assert!(message(conv3d(&x, &w, None, 1, 0)).contains("rank 5"));
}
