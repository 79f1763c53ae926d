//! Optimizer look-aheads (the unrolled GAN's inner updates): the same values as real steps, no
//! change to the optimizer, and derivatives through the updates that match finite differences.

use candle_core::{Device, Tensor, Var};
use ganc_runtime::optim::{
    Adam, AdamConfig, OptimError, Optimizer, RmsProp, RmsPropConfig, Sgd, SgdConfig,
};
use std::collections::HashMap;

/// Bowl f(p) = sum_i A_i (p_i - c_i)^2 with a movable centre c (the "other player").
const A: [f64; 3] = [1.0, 0.5, 3.0];
const CENTRE: [f64; 3] = [0.3, -1.0, 2.0];
const P0: [f64; 3] = [1.0, 2.0, -0.5];

fn tensor(values: &[f64]) -> Tensor {
    Tensor::new(values, &Device::Cpu).unwrap()
}

fn values(t: &Tensor) -> Vec<f64> {
    t.to_vec1::<f64>().unwrap()
}

/// The bowl's gradient 2 A (p - c), as a graph of both `p` and `c`.
fn bowl_grad(p: &Tensor, centre: &Tensor) -> Tensor {
    (((p - centre).unwrap() * tensor(&A)).unwrap() * 2.0).unwrap()
}

/// One real optimizer step on the bowl centred at `CENTRE`, by candle's autograd.
fn real_step(opt: &mut dyn Optimizer, p: &Var) {
    let loss = ((p.as_tensor() - tensor(&CENTRE)).unwrap().sqr().unwrap() * tensor(&A))
        .unwrap()
        .sum_all()
        .unwrap();
    opt.step(&loss.backward().unwrap()).unwrap();
}

/// `steps` rehearsed updates of `p` on the bowl centred at `centre`.
fn rehearse(opt: &dyn Optimizer, p: &Tensor, centre: &Tensor, steps: usize) -> Tensor {
    let mut ahead = opt.lookahead();
    let mut p = p.clone();
    for _ in 0..steps {
        let g = bowl_grad(&p, centre);
        p = ahead.update("p", &p, &g).unwrap();
    }
    p
}

/// Builds an optimizer over the single variable `p`.
type MakeOptimizer = Box<dyn Fn(Var) -> Box<dyn Optimizer>>;

/// The three optimizers, each with momentum or weight decay so that every state term matters.
fn optimizers() -> Vec<(&'static str, MakeOptimizer)> {
    vec![
        (
            "adam",
            Box::new(|p| {
                let cfg = AdamConfig {
                    lr: 0.1,
                    beta1: 0.8,
                    beta2: 0.95,
                    eps: 1e-3,
                    weight_decay: 0.1,
                };
                Box::new(Adam::new(vec![("p".into(), p)], cfg).unwrap())
            }),
        ),
        (
            "rmsprop",
            Box::new(|p| {
                let cfg = RmsPropConfig {
                    lr: 0.05,
                    momentum: 0.5,
                    weight_decay: 0.1,
                    ..RmsPropConfig::default()
                };
                Box::new(RmsProp::new(vec![("p".into(), p)], cfg).unwrap())
            }),
        ),
        (
            "sgd",
            Box::new(|p| {
                let cfg = SgdConfig {
                    lr: 0.05,
                    momentum: 0.9,
                    nesterov: true,
                    weight_decay: 0.1,
                };
                Box::new(Sgd::new(vec![("p".into(), p)], cfg).unwrap())
            }),
        ),
    ]
}

fn state_values(opt: &dyn Optimizer) -> HashMap<String, Vec<f64>> {
    opt.state()
        .into_iter()
        .map(|(n, t)| {
            let v = t.flatten_all().unwrap().to_dtype(candle_core::DType::F64);
            (n, v.unwrap().to_vec1::<f64>().unwrap())
        })
        .collect()
}

#[test]
fn rehearsed_updates_equal_real_steps_and_leave_the_optimizer_alone() {
    for (what, make) in optimizers() {
        let p = Var::from_tensor(&tensor(&P0)).unwrap();
        let mut opt = make(p.clone());
        // Two real steps first, so the rehearsal starts from non-zero moments and counters.
        real_step(opt.as_mut(), &p);
        real_step(opt.as_mut(), &p);
        let before = state_values(opt.as_ref());
        let p_before = values(p.as_tensor());

        let ahead = rehearse(opt.as_ref(), &p.as_tensor().detach(), &tensor(&CENTRE), 3);

        assert_eq!(state_values(opt.as_ref()), before, "{what}: state changed");
        assert_eq!(values(p.as_tensor()), p_before, "{what}: variable changed");
        for _ in 0..3 {
            real_step(opt.as_mut(), &p);
        }
        let (got, want) = (values(&ahead), values(p.as_tensor()));
        for (g, w) in got.iter().zip(&want) {
            assert!(
                (g - w).abs() <= 1e-12,
                "{what}: rehearsed {got:?}, real {want:?}"
            );
        }
    }
}

#[test]
fn derivatives_through_rehearsed_updates_match_finite_differences() {
    for (what, make) in optimizers() {
        let p = Var::from_tensor(&tensor(&P0)).unwrap();
        let mut opt = make(p.clone());
        real_step(opt.as_mut(), &p);
        let start = p.as_tensor().detach();
        // L(c) = sum_i w_i p3_i(c): the parameters after 3 rehearsed steps depend on the
        // centre only through the gradients, as a judge's look-ahead depends on the players.
        let weights = tensor(&[1.0, -2.0, 0.5]);
        let loss = |centre: &Tensor| {
            let p3 = rehearse(opt.as_ref(), &start, centre, 3);
            (p3 * &weights).unwrap().sum_all().unwrap()
        };
        let centre = Var::from_tensor(&tensor(&CENTRE)).unwrap();
        let grads = loss(centre.as_tensor()).backward().unwrap();
        let analytic = values(grads.get(centre.as_tensor()).unwrap());
        let h = 1e-6;
        for i in 0..3 {
            let shifted = |d: f64| {
                let mut c = CENTRE;
                c[i] += d;
                loss(&tensor(&c)).to_scalar::<f64>().unwrap()
            };
            let numeric = (shifted(h) - shifted(-h)) / (2.0 * h);
            assert!(
                (analytic[i] - numeric).abs() <= 1e-6 * (1.0 + numeric.abs()),
                "{what}: dL/dc[{i}] analytic {} vs numeric {numeric}",
                analytic[i]
            );
        }
        assert!(
            analytic.iter().any(|g| g.abs() > 1e-3),
            "{what}: the derivative must not vanish, or the check proves nothing: {analytic:?}"
        );
    }
}

#[test]
fn a_zero_gradient_rehearses_without_nan() {
    // A dead unit: its gradient is exactly 0 and Adam's second moment with it. A plain square
    // root has an infinite derivative there, which would make the look-ahead's gradient NaN.
    let p = Var::from_tensor(&tensor(&[0.5])).unwrap();
    let opt = Adam::new(vec![("p".into(), p.clone())], AdamConfig::default()).unwrap();
    let centre = Var::from_tensor(&tensor(&[0.0])).unwrap();
    let mut ahead = opt.lookahead();
    // The gradient is the centre itself, which is 0 here (candle drops a product with the
    // constant 0 from the graph, so `centre * 0` would test nothing).
    let g = centre.as_tensor().clone();
    let next = ahead.update("p", &p.as_tensor().detach(), &g).unwrap();
    assert_eq!(
        values(&next),
        vec![0.5],
        "a zero gradient must not move the parameter"
    );
    let grads = next.sum_all().unwrap().backward().unwrap();
    let d = values(grads.get(centre.as_tensor()).unwrap());
    assert!(
        d[0].is_finite(),
        "derivative through a zero gradient: {d:?}"
    );
}

#[test]
fn an_unknown_variable_is_a_typed_error() {
    let p = Var::from_tensor(&tensor(&P0)).unwrap();
    let opt = Sgd::new(vec![("p".into(), p.clone())], SgdConfig::default()).unwrap();
    let mut ahead = opt.lookahead();
    let err = ahead.update("q", p.as_tensor(), p.as_tensor()).unwrap_err();
    assert!(matches!(err, OptimError::MissingState(name) if name == "q"));
}
