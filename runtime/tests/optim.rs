//! Optimizers against PyTorch's published update rules, written out here in plain f64.

use candle_core::{DType, Device, Tensor, Var};
use ganc_runtime::optim::{
    strip_prefix, with_prefix, Adam, AdamConfig, OptimError, Optimizer, RmsProp, RmsPropConfig,
    Sgd, SgdConfig,
};
use std::collections::HashMap;

/// Quadratic bowl f(p) = sum_i A_i (p_i - C_i)^2, gradient 2 A_i (p_i - C_i).
const A: [f64; 3] = [1.0, 0.5, 3.0];
const C: [f64; 3] = [0.3, -1.0, 2.0];
const P0: [f64; 3] = [1.0, 2.0, -0.5];

fn grad(p: &[f64; 3]) -> [f64; 3] {
    std::array::from_fn(|i| 2.0 * A[i] * (p[i] - C[i]))
}

fn var(values: &[f64]) -> Var {
    Var::from_tensor(&Tensor::new(values, &Device::Cpu).unwrap()).unwrap()
}

fn values(v: &Var) -> Vec<f64> {
    v.as_tensor().to_vec1::<f64>().unwrap()
}

/// One optimizer step on the bowl, computed by candle's autograd.
fn bowl_step(opt: &mut dyn Optimizer, p: &Var) {
    let a = Tensor::new(&A, &Device::Cpu).unwrap();
    let c = Tensor::new(&C, &Device::Cpu).unwrap();
    let loss = ((p.as_tensor() - c).unwrap().sqr().unwrap() * a)
        .unwrap()
        .sum_all()
        .unwrap();
    opt.step(&loss.backward().unwrap()).unwrap();
}

fn assert_close(got: &[f64], want: &[f64], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= 1e-12 * (1.0 + w.abs()),
            "{what}[{i}]: got {g}, want {w}"
        );
    }
}

/// Adam, PyTorch form: g += wd p; m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
/// p -= lr / (1-b1^t) * m / (sqrt(v) / sqrt(1-b2^t) + eps).
fn adam_reference(steps: usize, lr: f64, b1: f64, b2: f64, eps: f64, wd: f64) -> [f64; 3] {
    let (mut p, mut m, mut v) = (P0, [0.0; 3], [0.0; 3]);
    for t in 1..=steps {
        let g0 = grad(&p);
        for i in 0..3 {
            let g = g0[i] + wd * p[i];
            m[i] = b1 * m[i] + (1.0 - b1) * g;
            v[i] = b2 * v[i] + (1.0 - b2) * g * g;
            let bc1 = 1.0 - b1.powi(t as i32);
            let bc2 = 1.0 - b2.powi(t as i32);
            p[i] -= lr / bc1 * m[i] / (v[i].sqrt() / bc2.sqrt() + eps);
        }
    }
    p
}

/// RMSprop, PyTorch form: v = a v + (1-a) g^2; s = g / (sqrt(v) + eps);
/// with momentum buf = mu buf + s, p -= lr buf; else p -= lr s.
fn rmsprop_reference(steps: usize, lr: f64, alpha: f64, eps: f64, mu: f64, wd: f64) -> [f64; 3] {
    let (mut p, mut v, mut buf) = (P0, [0.0; 3], [0.0; 3]);
    for _ in 0..steps {
        let g0 = grad(&p);
        for i in 0..3 {
            let g = g0[i] + wd * p[i];
            v[i] = alpha * v[i] + (1.0 - alpha) * g * g;
            let s = g / (v[i].sqrt() + eps);
            if mu > 0.0 {
                buf[i] = mu * buf[i] + s;
                p[i] -= lr * buf[i];
            } else {
                p[i] -= lr * s;
            }
        }
    }
    p
}

/// SGD, PyTorch form with dampening 0: first step buf = g, then buf = mu buf + g;
/// direction is buf, or g + mu buf with Nesterov.
fn sgd_reference(steps: usize, lr: f64, mu: f64, nesterov: bool, wd: f64) -> [f64; 3] {
    let mut p = P0;
    let mut buf: Option<[f64; 3]> = None;
    for _ in 0..steps {
        let g0 = grad(&p);
        let g: [f64; 3] = std::array::from_fn(|i| g0[i] + wd * p[i]);
        let d = if mu > 0.0 {
            let b: [f64; 3] = match buf {
                None => g,
                Some(b) => std::array::from_fn(|i| mu * b[i] + g[i]),
            };
            buf = Some(b);
            if nesterov {
                std::array::from_fn(|i| g[i] + mu * b[i])
            } else {
                b
            }
        } else {
            g
        };
        for i in 0..3 {
            p[i] -= lr * d[i];
        }
    }
    p
}

fn run(opt: &mut dyn Optimizer, p: &Var, steps: usize) {
    for _ in 0..steps {
        bowl_step(opt, p);
    }
}

#[test]
fn adam_matches_reference() {
    let cfg = AdamConfig {
        lr: 0.1,
        beta1: 0.8,
        beta2: 0.95,
        eps: 1e-3,
        weight_decay: 0.1,
    };
    let p = var(&P0);
    let mut opt = Adam::new(vec![("p".into(), p.clone())], cfg).unwrap();
    run(&mut opt, &p, 3);
    let want = adam_reference(3, 0.1, 0.8, 0.95, 1e-3, 0.1);
    assert_close(&values(&p), &want, "adam");
}

#[test]
fn adam_default_is_pytorch_default() {
    let p = var(&P0);
    let mut opt = Adam::new(vec![("p".into(), p.clone())], AdamConfig::default()).unwrap();
    run(&mut opt, &p, 3);
    let want = adam_reference(3, 1e-3, 0.9, 0.999, 1e-8, 0.0);
    assert_close(&values(&p), &want, "adam default");
}

#[test]
fn rmsprop_matches_reference() {
    for mu in [0.0, 0.9] {
        let cfg = RmsPropConfig {
            lr: 0.05,
            alpha: 0.9,
            eps: 1e-2,
            momentum: mu,
            weight_decay: 0.2,
        };
        let p = var(&P0);
        let mut opt = RmsProp::new(vec![("p".into(), p.clone())], cfg).unwrap();
        run(&mut opt, &p, 3);
        let want = rmsprop_reference(3, 0.05, 0.9, 1e-2, mu, 0.2);
        assert_close(&values(&p), &want, &format!("rmsprop momentum {mu}"));
    }
}

#[test]
fn rmsprop_default_is_pytorch_default() {
    let p = var(&P0);
    let mut opt = RmsProp::new(vec![("p".into(), p.clone())], RmsPropConfig::default()).unwrap();
    run(&mut opt, &p, 3);
    let want = rmsprop_reference(3, 1e-2, 0.99, 1e-8, 0.0, 0.0);
    assert_close(&values(&p), &want, "rmsprop default");
}

#[test]
fn sgd_matches_reference() {
    for (mu, nesterov, wd) in [(0.0, false, 0.0), (0.9, false, 0.1), (0.9, true, 0.0)] {
        let cfg = SgdConfig {
            lr: 0.05,
            momentum: mu,
            nesterov,
            weight_decay: wd,
        };
        let p = var(&P0);
        let mut opt = Sgd::new(vec![("p".into(), p.clone())], cfg).unwrap();
        run(&mut opt, &p, 3);
        let want = sgd_reference(3, 0.05, mu, nesterov, wd);
        assert_close(&values(&p), &want, &format!("sgd {mu} {nesterov} {wd}"));
    }
}

/// Saves after 2 steps, restores into fresh variables and optimizer, runs 2 more: must equal
/// 4 uninterrupted steps exactly.
fn check_resume(make: &dyn Fn(Var) -> Box<dyn Optimizer>, what: &str) {
    let p = var(&P0);
    let mut straight = make(p.clone());
    run(straight.as_mut(), &p, 2);
    let saved_p = values(&p);
    let saved: HashMap<String, Tensor> = straight.state().into_iter().collect();
    run(straight.as_mut(), &p, 2);

    let q = var(&saved_p);
    let mut resumed = make(q.clone());
    resumed.load_state(&saved).unwrap();
    run(resumed.as_mut(), &q, 2);
    assert_eq!(values(&q), values(&p), "{what}: resumed run differs");

    // And the restored state must matter: a fresh optimizer from the same point diverges.
    let r = var(&saved_p);
    let mut fresh = make(r.clone());
    run(fresh.as_mut(), &r, 2);
    assert_ne!(values(&r), values(&p), "{what}: state had no effect");
}

#[test]
fn resume_continues_exactly() {
    check_resume(
        &|p| Box::new(Adam::new(vec![("p".into(), p)], AdamConfig::default()).unwrap()),
        "adam",
    );
    let rms = RmsPropConfig {
        momentum: 0.5,
        ..RmsPropConfig::default()
    };
    check_resume(
        &|p| Box::new(RmsProp::new(vec![("p".into(), p)], rms).unwrap()),
        "rmsprop",
    );
    let sgd = SgdConfig {
        lr: 0.05,
        momentum: 0.9,
        ..SgdConfig::default()
    };
    check_resume(
        &|p| Box::new(Sgd::new(vec![("p".into(), p)], sgd).unwrap()),
        "sgd",
    );
}

#[test]
fn state_names_and_counters() {
    let p = var(&P0);
    let mut opt = Adam::new(vec![("g.w".into(), p.clone())], AdamConfig::default()).unwrap();
    run(&mut opt, &p, 3);
    let state: HashMap<String, Tensor> = opt.state().into_iter().collect();
    let mut names: Vec<&str> = state.keys().map(String::as_str).collect();
    names.sort();
    assert_eq!(names, ["g.w.m", "g.w.step", "g.w.v", "step"]);
    assert_eq!(state["step"].to_scalar::<i64>().unwrap(), 3);
    // After one step from zero, m = (1 - beta1) g; check the saved moment after 3 by reference.
    let (b1, b2, lr, eps) = (0.9, 0.999, 1e-3, 1e-8);
    let (mut q, mut m, mut v) = (P0, [0.0; 3], [0.0; 3]);
    for t in 1..=3 {
        let g = grad(&q);
        for i in 0..3 {
            m[i] = b1 * m[i] + (1.0 - b1) * g[i];
            v[i] = b2 * v[i] + (1.0 - b2) * g[i] * g[i];
            let denom = (v[i] / (1.0 - b2.powi(t))).sqrt() + eps;
            q[i] -= lr / (1.0 - b1.powi(t)) * m[i] / denom;
        }
    }
    assert_close(&state["g.w.m"].to_vec1::<f64>().unwrap(), &m, "saved m");
    assert_close(&state["g.w.v"].to_vec1::<f64>().unwrap(), &v, "saved v");

    let prefixed: HashMap<String, Tensor> = with_prefix("opt_g", opt.state()).into_iter().collect();
    assert!(prefixed.contains_key("opt_g.g.w.m"));
    let back = strip_prefix("opt_g", &prefixed);
    assert_eq!(back.len(), 4);
    assert!(back.contains_key("g.w.v"));
}

/// A variable absent from the loss has no gradient: it and its state stay as they were. A later
/// first update of it uses bias correction for t = 1, as PyTorch's per-parameter step does.
#[test]
fn variables_without_gradient_are_skipped() {
    let p = var(&P0);
    let q = var(&[2.0, -3.0]);
    let mut opt = Adam::new(
        vec![("p".into(), p.clone()), ("q".into(), q.clone())],
        AdamConfig {
            lr: 0.1,
            ..AdamConfig::default()
        },
    )
    .unwrap();
    run(&mut opt, &p, 2);
    assert_eq!(values(&q), [2.0, -3.0]);
    let state: HashMap<String, Tensor> = opt.state().into_iter().collect();
    assert_eq!(state["q.step"].to_scalar::<i64>().unwrap(), 0);
    assert_eq!(state["p.step"].to_scalar::<i64>().unwrap(), 2);
    assert_eq!(state["q.m"].to_vec1::<f64>().unwrap(), [0.0, 0.0]);

    // Loss sum(q): gradient 1 everywhere. First Adam step: m_hat = g, v_hat = g^2, so the
    // update is lr * g / (|g| + eps).
    let loss = q.as_tensor().sum_all().unwrap();
    opt.step(&loss.backward().unwrap()).unwrap();
    let step = 0.1 * 1.0 / (1.0 + 1e-8);
    assert_close(&values(&q), &[2.0 - step, -3.0 - step], "first update of q");
}

#[test]
fn bad_settings_and_state_are_typed_errors() {
    let p = var(&P0);
    let cfg = AdamConfig {
        beta1: 1.0,
        ..AdamConfig::default()
    };
    assert!(matches!(
        Adam::new(vec![("p".into(), p.clone())], cfg),
        Err(OptimError::InvalidHyper { name: "beta1", .. })
    ));
    let dup = vec![("p".into(), p.clone()), ("p".into(), var(&[1.0]))];
    assert!(matches!(
        Sgd::new(dup, SgdConfig::default()),
        Err(OptimError::DuplicateName(n)) if n == "p"
    ));
    let nesterov = SgdConfig {
        nesterov: true,
        ..SgdConfig::default()
    };
    assert!(matches!(
        Sgd::new(vec![("p".into(), p.clone())], nesterov),
        Err(OptimError::InvalidHyper {
            name: "momentum",
            ..
        })
    ));

    let mut opt = Adam::new(vec![("p".into(), p.clone())], AdamConfig::default()).unwrap();
    let mut state: HashMap<String, Tensor> = opt.state().into_iter().collect();
    state.remove("p.v");
    assert!(matches!(
        opt.load_state(&state),
        Err(OptimError::MissingState(n)) if n == "p.v"
    ));
    state.insert(
        "p.v".into(),
        Tensor::zeros(2, DType::F64, &Device::Cpu).unwrap(),
    );
    assert!(matches!(
        opt.load_state(&state),
        Err(OptimError::StateShape { expected, found, .. }) if expected == [3] && found == [2]
    ));
}

#[test]
fn set_lr_changes_the_step() {
    let p = var(&P0);
    let mut opt = Sgd::new(vec![("p".into(), p.clone())], SgdConfig::default()).unwrap();
    opt.set_lr(0.25);
    assert_eq!(opt.lr(), 0.25);
    run(&mut opt, &p, 1);
    assert_close(&values(&p), &sgd_reference(1, 0.25, 0.0, false, 0.0), "lr");
}
