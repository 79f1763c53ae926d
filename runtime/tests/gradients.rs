//! Gradient-correctness harness for `ganc_runtime::layers`: every op's first-order
//! gradient (inputs and parameters) and, for ops a critic may contain, the second-order
//! gradient of a gradient penalty, against central finite differences in f64. Inputs are
//! small and odd-sized so stride/remainder bugs show. The last section proves the harness
//! bites: candle paths known to be wrong (CANDLE-NOTES.md) must fail it.

mod common;

use candle_core::{DType, Device, Result, Tensor, D};
use common::{
    check_first_order, check_gradient_penalty, first_order_report, init_graph_mode, rand_range,
    rand_tensor, worst,
};
use ganc_runtime::layers as l;

fn setup() {
    init_graph_mode(true);
}

/// A 3x3 "same" convolution in front of a parameter-free op, so the gradient penalty has
/// parameters whose second-order gradient passes through the op's backward.
fn pre_conv(x: &Tensor, p: &[Tensor]) -> Result<Tensor> {
    l::conv2d(x, &p[0], Some(&p[1]), 1, 1, 1)
}

fn pre_conv_params(c_in: usize, c_out: usize, seed: u64) -> Vec<Tensor> {
    vec![
        (rand_tensor(&[c_out, c_in, 3, 3], seed) * 0.5).unwrap(),
        rand_tensor(&[c_out], seed + 1),
    ]
}

/// A linear layer in front of a parameter-free op on `[N, A]` input.
fn pre_linear(x: &Tensor, p: &[Tensor]) -> Result<Tensor> {
    l::linear(x, &p[0], Some(&p[1]))
}

fn pre_linear_params(a: usize, b: usize, seed: u64) -> Vec<Tensor> {
    vec![rand_tensor(&[b, a], seed), rand_tensor(&[b], seed + 1)]
}

/// Checks a parameter-free op on `[2, 3, 5, 7]` input: first order w.r.t. the input and
/// the gradient penalty of `op(conv(x))`.
fn check_pointwise_4d<F>(name: &str, op: F)
where
    F: Fn(&Tensor) -> Result<Tensor> + Sync,
{
    let x = rand_tensor(&[2, 3, 5, 7], 11);
    check_first_order(name, |i, _| op(&i[0]), std::slice::from_ref(&x), &[]);
    check_gradient_penalty(
        name,
        |x, p| op(&pre_conv(x, p)?),
        &x,
        &pre_conv_params(3, 3, 12),
    );
}

// ---------------------------------------------------------------- linear & convolutions

#[test]
fn linear_gradients() {
    setup();
    let x = rand_tensor(&[3, 4], 1);
    let p = vec![rand_tensor(&[5, 4], 2), rand_tensor(&[5], 3)];
    check_first_order(
        "linear",
        |i, p| l::linear(&i[0], &p[0], Some(&p[1])),
        std::slice::from_ref(&x),
        &p,
    );
    check_first_order(
        "linear no bias",
        |i, p| l::linear(&i[0], &p[0], None),
        std::slice::from_ref(&x),
        &p[..1],
    );
    let x3 = rand_tensor(&[2, 3, 4], 4);
    check_first_order(
        "linear rank 3",
        |i, p| l::linear(&i[0], &p[0], Some(&p[1])),
        &[x3],
        &p,
    );
    // Two layers so the penalty depends on x and on both layers.
    let p2 = [p.clone(), pre_linear_params(5, 2, 5)].concat();
    check_gradient_penalty(
        "mlp",
        |x, p| {
            l::linear(
                &l::tanh(&l::linear(x, &p[0], Some(&p[1]))?)?,
                &p[2],
                Some(&p[3]),
            )
        },
        &x,
        &p2,
    );
}

fn conv_case(name: &str, x_shape: &[usize], k: usize, stride: usize, pad: usize, dil: usize) {
    let x = rand_tensor(x_shape, 21);
    let c = x_shape[1];
    let p = vec![
        (rand_tensor(&[3, c, k, k], 22) * 0.5).unwrap(),
        rand_tensor(&[3], 23),
    ];
    let f = move |x: &Tensor, p: &[Tensor]| l::conv2d(x, &p[0], Some(&p[1]), stride, pad, dil);
    check_first_order(name, |i, p| f(&i[0], p), std::slice::from_ref(&x), &p);
    check_first_order(
        name,
        |i, p| l::conv2d(&i[0], &p[0], None, stride, pad, dil),
        std::slice::from_ref(&x),
        &p[..1],
    );
    check_gradient_penalty(name, |x, p| l::softplus(&f(x, p)?), &x, &p);
}

#[test]
fn conv2d_gradients() {
    setup();
    conv_case("conv2d 5x7 k3 s2 p1", &[2, 2, 5, 7], 3, 2, 1, 1);
    // The shape CANDLE-NOTES.md names: H and W with different remainders modulo the stride.
    conv_case("conv2d 8x7 k4 s2 p1", &[2, 2, 8, 7], 4, 2, 1, 1);
    conv_case("conv2d 5x7 k3 s1 p2 d2", &[1, 2, 5, 7], 3, 1, 2, 2);
}

#[test]
fn conv_transpose2d_gradients() {
    setup();
    for (name, k, s, pad, op) in [
        ("deconv k3 s2 p1 op1", 3, 2, 1, 1),
        ("deconv k4 s2 p1 op0", 4, 2, 1, 0),
        ("deconv k3 s1 p0", 3, 1, 0, 0),
    ] {
        let x = rand_tensor(&[2, 3, 3, 4], 31);
        let p = vec![
            (rand_tensor(&[3, 2, k, k], 32) * 0.5).unwrap(),
            rand_tensor(&[2], 33),
        ];
        let f =
            move |x: &Tensor, p: &[Tensor]| l::conv_transpose2d(x, &p[0], Some(&p[1]), s, pad, op);
        check_first_order(name, |i, p| f(&i[0], p), std::slice::from_ref(&x), &p);
        check_gradient_penalty(name, |x, p| l::softplus(&f(x, p)?), &x, &p);
    }
}

#[test]
fn conv3d_gradients() {
    setup();
    let x = rand_tensor(&[1, 2, 5, 4, 5], 41);
    let p = vec![
        (rand_tensor(&[2, 2, 3, 3, 3], 42) * 0.5).unwrap(),
        rand_tensor(&[2], 43),
    ];
    let f = |x: &Tensor, p: &[Tensor]| l::conv3d(x, &p[0], Some(&p[1]), 2, 1);
    check_first_order("conv3d", |i, p| f(&i[0], p), std::slice::from_ref(&x), &p);
    check_gradient_penalty("conv3d", |x, p| l::softplus(&f(x, p)?), &x, &p);
}

#[test]
fn conv_transpose3d_gradients() {
    setup();
    let x = rand_tensor(&[1, 2, 3, 2, 3], 51);
    let p = vec![
        (rand_tensor(&[2, 2, 3, 3, 3], 52) * 0.5).unwrap(),
        rand_tensor(&[2], 53),
    ];
    let f = |x: &Tensor, p: &[Tensor]| l::conv_transpose3d(x, &p[0], Some(&p[1]), 2, 1, 1);
    check_first_order(
        "conv_transpose3d",
        |i, p| f(&i[0], p),
        std::slice::from_ref(&x),
        &p,
    );
    check_gradient_penalty("conv_transpose3d", |x, p| l::softplus(&f(x, p)?), &x, &p);
}

#[test]
fn dcgan_critic_gradient_penalty() {
    setup();
    // The critic that gradients_detach.rs shows failing without CANDLE_GRAD_DO_NOT_DETACH.
    let x = rand_tensor(&[2, 2, 5, 7], 6);
    let params = vec![
        (rand_tensor(&[3, 2, 3, 3], 7) * 0.5).unwrap(),
        rand_tensor(&[3], 8),
        (rand_tensor(&[2, 3, 3, 3], 9) * 0.5).unwrap(),
    ];
    let critic = |x: &Tensor, p: &[Tensor]| {
        let h = l::leaky_relu(&l::conv2d(x, &p[0], Some(&p[1]), 2, 1, 1)?, 0.2)?;
        l::conv2d(&h, &p[2], None, 2, 1, 1)
    };
    check_gradient_penalty("dcgan critic", critic, &x, &params);
}

// ---------------------------------------------------------------- normalisation

fn affine_params(c: usize, seed: u64) -> Vec<Tensor> {
    vec![
        rand_range(&[c], 0.5, 1.5, seed),
        rand_tensor(&[c], seed + 1),
    ]
}

#[test]
fn batch_norm_gradients() {
    setup();
    for shape in [vec![4, 3], vec![2, 3, 5, 7], vec![2, 3, 3, 2, 3]] {
        let x = rand_tensor(&shape, 61);
        let p = affine_params(3, 62);
        let f =
            |x: &Tensor, p: &[Tensor]| Ok(l::batch_norm_train(x, Some((&p[0], &p[1])), 1e-5)?.0);
        check_first_order(
            "batch_norm_train",
            |i, p| f(&i[0], p),
            std::slice::from_ref(&x),
            &p,
        );
    }
    let x = rand_tensor(&[3, 2, 5, 7], 63);
    let p = [pre_conv_params(2, 3, 64), affine_params(3, 65)].concat();
    check_gradient_penalty(
        "batch_norm_train",
        |x, p| l::softplus(&l::batch_norm_train(&pre_conv(x, p)?, Some((&p[2], &p[3])), 1e-5)?.0),
        &x,
        &p,
    );
    // Eval mode: running statistics are inputs too.
    let inputs = [
        rand_tensor(&[2, 3, 5, 7], 66),
        rand_tensor(&[3], 67),
        rand_range(&[3], 0.5, 2.0, 68),
    ];
    check_first_order(
        "batch_norm_eval",
        |i, p| l::batch_norm_eval(&i[0], &i[1], &i[2], Some((&p[0], &p[1])), 1e-5),
        &inputs,
        &affine_params(3, 69),
    );
    let (m, v) = (inputs[1].clone(), inputs[2].clone());
    check_gradient_penalty(
        "batch_norm_eval",
        |x, p| {
            l::softplus(&l::batch_norm_eval(
                &pre_conv(x, p)?,
                &m,
                &v,
                Some((&p[2], &p[3])),
                1e-5,
            )?)
        },
        &inputs[0],
        &[pre_conv_params(3, 3, 70), affine_params(3, 71)].concat(),
    );
}

#[test]
fn instance_layer_group_norm_gradients() {
    setup();
    let x = rand_tensor(&[2, 4, 5, 7], 81);
    let ap = affine_params(4, 82);
    check_first_order(
        "instance_norm",
        |i, p| l::instance_norm(&i[0], Some((&p[0], &p[1])), 1e-5),
        std::slice::from_ref(&x),
        &ap,
    );
    check_first_order(
        "instance_norm plain",
        |i, _| l::instance_norm(&i[0], None, 1e-5),
        std::slice::from_ref(&x),
        &[],
    );
    check_first_order(
        "group_norm",
        |i, p| l::group_norm(&i[0], 2, Some((&p[0], &p[1])), 1e-5),
        std::slice::from_ref(&x),
        &ap,
    );
    let xs = rand_tensor(&[2, 2, 3, 5], 83);
    let lp = vec![
        rand_range(&[2, 3, 5], 0.5, 1.5, 84),
        rand_tensor(&[2, 3, 5], 85),
    ];
    check_first_order(
        "layer_norm",
        |i, p| l::layer_norm(&i[0], Some((&p[0], &p[1])), 1e-5),
        std::slice::from_ref(&xs),
        &lp,
    );

    let pc = pre_conv_params(2, 4, 86);
    let p = [pc.clone(), ap.clone()].concat();
    check_gradient_penalty(
        "instance_norm",
        |x, p| {
            l::softplus(&l::instance_norm(
                &pre_conv(x, p)?,
                Some((&p[2], &p[3])),
                1e-5,
            )?)
        },
        &xs,
        &p,
    );
    check_gradient_penalty(
        "group_norm",
        |x, p| {
            l::softplus(&l::group_norm(
                &pre_conv(x, p)?,
                2,
                Some((&p[2], &p[3])),
                1e-5,
            )?)
        },
        &xs,
        &p,
    );
    let lp4 = vec![
        rand_range(&[4, 3, 5], 0.5, 1.5, 87),
        rand_tensor(&[4, 3, 5], 88),
    ];
    check_gradient_penalty(
        "layer_norm",
        |x, p| {
            l::softplus(&l::layer_norm(
                &pre_conv(x, p)?,
                Some((&p[2], &p[3])),
                1e-5,
            )?)
        },
        &xs,
        &[pc, lp4].concat(),
    );
}

#[test]
fn virtual_batch_norm_gradients() {
    setup();
    // The reference batch is an input, so gradients through its statistics are checked too.
    let f = |x: &Tensor, reference: &Tensor, p: &[Tensor]| {
        let (m, v) = l::reference_stats(reference)?;
        l::virtual_batch_norm(x, &m, &v, reference.dim(0)?, Some((&p[0], &p[1])), 1e-5)
    };
    let x = rand_tensor(&[3, 2, 3, 5], 91);
    let reference = rand_tensor(&[4, 2, 3, 5], 92);
    check_first_order(
        "virtual_batch_norm",
        |i, p| f(&i[0], &i[1], p),
        &[x.clone(), reference.clone()],
        &affine_params(2, 93),
    );
    let x2 = rand_tensor(&[3, 2], 94);
    let r2 = rand_tensor(&[4, 2], 95);
    check_first_order(
        "virtual_batch_norm [N, C]",
        |i, p| f(&i[0], &i[1], p),
        &[x2, r2],
        &affine_params(2, 96),
    );
    check_gradient_penalty(
        "virtual_batch_norm",
        |x, p| l::softplus(&f(x, &reference, p)?),
        &x,
        &affine_params(2, 97),
    );
}

// ---------------------------------------------------------------- activations & dropout

#[test]
fn activation_gradients() {
    setup();
    check_pointwise_4d("relu", l::relu);
    check_pointwise_4d("leaky_relu 0.2", |x| l::leaky_relu(x, 0.2));
    check_pointwise_4d("leaky_relu -0.5", |x| l::leaky_relu(x, -0.5));
    check_pointwise_4d("elu", |x| l::elu(x, 0.7));
    check_pointwise_4d("tanh", l::tanh);
    check_pointwise_4d("sigmoid", l::sigmoid);
    check_pointwise_4d("softplus", l::softplus);
    check_pointwise_4d("log_sigmoid", l::log_sigmoid);
    let x = rand_tensor(&[2, 3, 5, 7], 101);
    let w = rand_tensor(&[3], 102);
    check_first_order(
        "prelu",
        |i, p| l::prelu(&i[0], &p[0]),
        std::slice::from_ref(&x),
        std::slice::from_ref(&w),
    );
    check_first_order(
        "prelu shared",
        |i, p| l::prelu(&i[0], &p[0]),
        std::slice::from_ref(&x),
        &[rand_tensor(&[1], 103)],
    );
    let p = [pre_conv_params(3, 3, 104), vec![w]].concat();
    check_gradient_penalty(
        "prelu",
        |x, p| l::softplus(&l::prelu(&pre_conv(x, p)?, &p[2])?),
        &x,
        &p,
    );
}

#[test]
fn dropout_gradients() {
    setup();
    let x = rand_tensor(&[2, 3, 5, 7], 111);
    let mask = rand_tensor(&[2, 3, 5, 7], 112)
        .ge(0.0)
        .unwrap()
        .to_dtype(DType::F64)
        .unwrap();
    check_first_order(
        "dropout",
        |i, _| l::dropout_with_mask(&i[0], &mask, 0.3),
        std::slice::from_ref(&x),
        &[],
    );
    check_gradient_penalty(
        "dropout",
        |x, p| l::softplus(&l::dropout_with_mask(&pre_conv(x, p)?, &mask, 0.3)?),
        &x,
        &pre_conv_params(3, 3, 113),
    );
}

// ---------------------------------------------------------------- pooling, resampling, padding

#[test]
fn pooling_gradients() {
    setup();
    for (k, s) in [(2, 2), (3, 2), (2, 3)] {
        check_pointwise_4d(&format!("avg_pool2d k{k} s{s}"), move |x| {
            l::avg_pool2d(x, k, s)
        });
        check_pointwise_4d(&format!("max_pool2d k{k} s{s}"), move |x| {
            l::max_pool2d(x, k, s)
        });
    }
}

#[test]
fn upsample_gradients() {
    setup();
    check_pointwise_4d("upsample_nearest2d 2x2", |x| l::upsample_nearest2d(x, 2, 2));
    check_pointwise_4d("upsample_nearest2d 2x3", |x| l::upsample_nearest2d(x, 2, 3));
    check_pointwise_4d("upsample_bilinear2d up", |x| {
        l::upsample_bilinear2d(x, 9, 12)
    });
    check_pointwise_4d("upsample_bilinear2d down", |x| {
        l::upsample_bilinear2d(x, 3, 4)
    });
    // The input also feeds a skip connection: gradients from both paths must add up.
    let x = rand_tensor(&[1, 2, 3, 4], 121);
    check_first_order(
        "upsample_nearest2d with skip",
        |i, _| skip_concat(&l::upsample_nearest2d(&i[0], 2, 2)?, &i[0]),
        &[x],
        &[],
    );
}

/// `cat(flatten(a), flatten(b))` per example: an output that depends on `b` directly.
fn skip_concat(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    Tensor::cat(&[a.flatten_from(1)?, b.flatten_from(1)?], 1)
}

#[test]
fn padding_and_shuffle_gradients() {
    setup();
    check_pointwise_4d("zero_pad2d", |x| l::zero_pad2d(x, 1, 2, 0, 3));
    check_pointwise_4d("reflection_pad2d", |x| l::reflection_pad2d(x, 1, 2, 3, 1));
    let x = rand_tensor(&[2, 8, 3, 5], 131);
    check_first_order(
        "pixel_shuffle",
        |i, _| l::pixel_shuffle(&i[0], 2),
        std::slice::from_ref(&x),
        &[],
    );
    check_gradient_penalty(
        "pixel_shuffle",
        |x, p| l::softplus(&l::pixel_shuffle(&pre_conv(x, p)?, 2)?),
        &x,
        &pre_conv_params(8, 4, 132),
    );
}

// ---------------------------------------------------------------- lookups

#[test]
fn embedding_gradients() {
    setup();
    // Index 1 repeats: its row's gradient must accumulate.
    let idx = Tensor::new(&[1u32, 3, 1, 0], &Device::Cpu).unwrap();
    let table = rand_tensor(&[5, 3], 141);
    check_first_order("embedding", |_, p| l::embedding(&idx, &p[0]), &[], &[table]);
}

// ---------------------------------------------------------------- GAN tricks

#[test]
fn minibatch_discrimination_gradients() {
    setup();
    let x = rand_tensor(&[4, 5], 151);
    let t = (rand_tensor(&[5, 6], 152) * 0.5).unwrap();
    check_first_order(
        "minibatch_discrimination",
        |i, p| l::minibatch_discrimination(&i[0], &p[0], 3, 2),
        std::slice::from_ref(&x),
        std::slice::from_ref(&t),
    );
    let p = [pre_linear_params(5, 5, 153), vec![t]].concat();
    check_gradient_penalty(
        "minibatch_discrimination",
        |x, p| {
            l::softplus(&l::minibatch_discrimination(
                &pre_linear(x, p)?,
                &p[2],
                3,
                2,
            )?)
        },
        &x,
        &p,
    );
}

/// A `[4, 6]` weight with a clear top singular value, so the power iteration converges
/// and the stop-gradient on `u`, `v` does not change the derivative (sigma is stationary in
/// `u`, `v` at the singular vectors).
fn spectral_weight() -> Tensor {
    let a = rand_tensor(&[4, 1], 161);
    let b = rand_tensor(&[1, 6], 162);
    let noise = (rand_tensor(&[4, 6], 163) * 0.2).unwrap();
    ((a.matmul(&b).unwrap() * 3.0).unwrap() + noise).unwrap()
}

#[test]
fn spectral_norm_gradients() {
    setup();
    let u0 = rand_tensor(&[4], 164);
    let x = rand_tensor(&[3, 6], 165);
    let f =
        |x: &Tensor, p: &[Tensor]| l::linear(x, &l::spectral_norm(&p[0], &u0, 60, 1e-12)?.0, None);
    check_first_order(
        "spectral_norm",
        |i, p| f(&i[0], p),
        std::slice::from_ref(&x),
        &[spectral_weight()],
    );
    check_gradient_penalty(
        "spectral_norm",
        |x, p| l::softplus(&f(x, p)?),
        &x,
        &[spectral_weight()],
    );
}

// ---------------------------------------------------------------- the harness bites

#[test]
fn harness_catches_candle_max_pool2d() {
    setup();
    let x = rand_tensor(&[2, 3, 6, 8], 171);
    let ours = first_order_report(
        &|i: &[Tensor], _: &[Tensor]| l::max_pool2d(&i[0], 2, 2),
        std::slice::from_ref(&x),
        &[],
    )
    .unwrap();
    let theirs =
        first_order_report(&|i: &[Tensor], _: &[Tensor]| i[0].max_pool2d(2), &[x], &[]).unwrap();
    assert!(worst(&ours) <= common::TOL);
    assert!(
        worst(&theirs) > 0.1,
        "candle max_pool2d error {}",
        worst(&theirs)
    );
}

#[test]
fn harness_catches_candle_upsample_nearest_with_skip() {
    setup();
    let x = rand_tensor(&[1, 2, 3, 4], 172);
    let theirs = first_order_report(
        &|i: &[Tensor], _: &[Tensor]| skip_concat(&i[0].upsample_nearest2d(6, 8)?, &i[0]),
        &[x],
        &[],
    )
    .unwrap();
    assert!(
        worst(&theirs) > 0.1,
        "candle upsample_nearest2d error {}",
        worst(&theirs)
    );
}

#[test]
fn harness_catches_candle_conv1d_kernel_gradient() {
    setup();
    let x = rand_tensor(&[2, 2, 9], 173);
    let w = rand_tensor(&[3, 2, 3], 174);
    let theirs = first_order_report(
        &|i: &[Tensor], p: &[Tensor]| i[0].conv1d(&p[0], 1, 2, 1, 1),
        &[x],
        &[w],
    )
    .unwrap();
    assert!(
        theirs[0].error <= common::TOL,
        "input gradient {}",
        theirs[0].error
    );
    assert!(
        theirs[1].error > 0.1,
        "candle conv1d kernel error {}",
        theirs[1].error
    );
}

#[test]
fn harness_catches_missing_gradients_of_fused_ops() {
    setup();
    let x = rand_tensor(&[3, 5], 175);
    let (g, b) = (rand_tensor(&[5], 176), rand_tensor(&[5], 177));
    // candle's fused layer norm has no f64 kernel; the missing gradient shows in f32 too.
    let ln32 = |i: &[Tensor], p: &[Tensor]| {
        let f32s = |t: &Tensor| t.to_dtype(DType::F32);
        candle_nn::ops::layer_norm(&f32s(&i[0])?, &f32s(&p[0])?, &f32s(&p[1])?, 1e-5)?
            .to_dtype(DType::F64)
    };
    let ln = first_order_report(&ln32, std::slice::from_ref(&x), &[g, b]).unwrap();
    assert!(worst(&ln) > 0.1, "candle layer_norm error {}", worst(&ln));
    let sm = first_order_report(
        &|i: &[Tensor], _: &[Tensor]| candle_nn::ops::softmax_last_dim(&i[0]),
        std::slice::from_ref(&x),
        &[],
    )
    .unwrap();
    assert!(
        worst(&sm) > 0.1,
        "candle softmax_last_dim error {}",
        worst(&sm)
    );
    // The composed alternative passes.
    check_first_order(
        "softmax",
        |i, _| candle_nn::ops::softmax(&i[0], D::Minus1),
        &[x],
        &[],
    );
}

#[test]
fn harness_catches_failing_backwards() {
    setup();
    let odd = rand_tensor(&[1, 2, 8, 7], 178);
    let w = rand_tensor(&[2, 2, 4, 4], 179);
    let conv = |i: &[Tensor], p: &[Tensor]| i[0].conv2d(&p[0], 1, 2, 1, 1);
    assert!(first_order_report(&conv, std::slice::from_ref(&odd), &[w]).is_err());
    let avg = |i: &[Tensor], _: &[Tensor]| i[0].avg_pool2d_with_stride(3, 2);
    assert!(first_order_report(&avg, std::slice::from_ref(&odd), &[]).is_err());
    let bilinear = |i: &[Tensor], _: &[Tensor]| i[0].upsample_bilinear2d(16, 14, false);
    assert!(first_order_report(&bilinear, &[odd], &[]).is_err());
}

#[test]
fn harness_catches_unstable_bce_with_logits() {
    setup();
    // f64 sigmoid rounds to exactly 1 past |x| ~ 37: log(0) and a NaN gradient.
    let x = Tensor::new(&[[40.0f64], [-0.3]], &Device::Cpu).unwrap();
    let t = Tensor::new(&[[0.0f64], [1.0]], &Device::Cpu).unwrap();
    let bce =
        |i: &[Tensor], _: &[Tensor]| candle_nn::loss::binary_cross_entropy_with_logit(&i[0], &t);
    let theirs = first_order_report(&bce, std::slice::from_ref(&x), &[]).unwrap();
    assert!(worst(&theirs).is_infinite());
    // The stable form from CANDLE-NOTES.md passes at the same point.
    let stable = |i: &[Tensor], _: &[Tensor]| {
        let x = &i[0];
        (l::relu(x)? - (x * &t)?)? + (l::softplus(x)? - l::relu(x)?)?
    };
    check_first_order("stable bce", stable, &[x], &[]);
}
