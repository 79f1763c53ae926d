//! The gradient-penalty check must fail when candle detaches intermediate gradients (its
//! default, without `CANDLE_GRAD_DO_NOT_DETACH`). candle reads the variable once per
//! thread and it is process-wide, so this lives in its own test binary that unsets it.

mod common;

use candle_core::{Result, Tensor};
use common::{gradient_penalty_report, init_graph_mode, rand_tensor, worst};
use ganc_runtime::layers as l;

/// Two-layer MLP critic: with detaching, the penalty's gradient reaches only the first
/// layer (the second layer's weights get none).
fn mlp(x: &Tensor, p: &[Tensor]) -> Result<Tensor> {
    l::linear(
        &l::tanh(&l::linear(x, &p[0], Some(&p[1]))?)?,
        &p[2],
        Some(&p[3]),
    )
}

#[test]
fn gradient_penalty_check_fails_when_gradients_are_detached() {
    init_graph_mode(false);
    let x = rand_tensor(&[3, 4], 1);
    let params = vec![
        rand_tensor(&[5, 4], 2),
        rand_tensor(&[5], 3),
        rand_tensor(&[2, 5], 4),
        rand_tensor(&[2], 5),
    ];
    let report = gradient_penalty_report(&mlp, &x, &params).unwrap();
    assert!(
        worst(&report) > 0.1,
        "detached GP error only {}",
        worst(&report)
    );
}

#[test]
fn conv_critic_penalty_is_wrong_when_detached() {
    init_graph_mode(false);
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
    let report = gradient_penalty_report(&critic, &x, &params).unwrap();
    assert!(
        worst(&report) > 0.1,
        "detached GP error only {}",
        worst(&report)
    );
}
