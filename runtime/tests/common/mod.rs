//! Finite-difference gradient checks shared by the gradient test binaries.
//!
//! Every check runs in f64. The functional under test is `L = sum(f(...) * R)` with a fixed
//! random `R`, so every output element matters with a different weight.
// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::sync::OnceLock;

use candle_core::{Device, Result, Tensor, Var};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Central-difference step.
pub const EPS: f64 = 1e-6;
/// Largest accepted relative error (max abs difference / max abs FD gradient).
pub const TOL: f64 = 1e-6;
/// Smallest gradient scale the relative error divides by, so all-zero gradients compare
/// absolutely.
const SCALE_FLOOR: f64 = 1e-2;
/// Rounding makes a central difference of a functional of size `|L|` uncertain by about
/// `|L| * 1e-16 / EPS`; gradients are compared on a scale of at least `|L|` times this, so
/// that noise stays 10x below the tolerance.
const VALUE_SCALE: f64 = 1e-3;
/// Seed of the output weights `R`.
const R_SEED: u64 = 0x5eed;

static GRAPH_MODE: OnceLock<bool> = OnceLock::new();

/// Fixes, once per process, whether candle keeps the graph of gradients
/// (`CANDLE_GRAD_DO_NOT_DETACH`). candle reads the variable once per thread at that
/// thread's first backward, so every test calls this first thing; the `OnceLock` makes
/// concurrent tests wait until the variable is written. One binary uses one mode.
pub fn init_graph_mode(keep_graph: bool) {
    let mode = *GRAPH_MODE.get_or_init(|| {
        if keep_graph {
            std::env::set_var("CANDLE_GRAD_DO_NOT_DETACH", "1");
        } else {
            std::env::remove_var("CANDLE_GRAD_DO_NOT_DETACH");
        }
        keep_graph
    });
    assert_eq!(
        mode, keep_graph,
        "a test binary must use a single gradient mode"
    );
}

/// Uniform(-1, 1) f64 tensor of `shape` from `seed`.
pub fn rand_tensor(shape: &[usize], seed: u64) -> Tensor {
    let mut rng = StdRng::seed_from_u64(seed);
    let n: usize = shape.iter().product();
    let v: Vec<f64> = (0..n).map(|_| rng.random_range(-1.0..1.0)).collect();
    Tensor::from_vec(v, shape, &Device::Cpu).expect("shape matches data")
}

/// Uniform(lo, hi) f64 tensor of `shape` from `seed`.
pub fn rand_range(shape: &[usize], lo: f64, hi: f64, seed: u64) -> Tensor {
    ((rand_tensor(shape, seed) + 1.0).unwrap() * ((hi - lo) / 2.0))
        .and_then(|t| t + lo)
        .expect("elementwise ops on f64")
}

fn values(t: &Tensor) -> Result<Vec<f64>> {
    t.flatten_all()?.to_vec1::<f64>()
}

/// Relative disagreement of an analytic gradient with a finite-difference one of a
/// functional whose value is `value`; infinite when either has a NaN/inf or the lengths
/// differ.
pub fn relative_error(analytic: &[f64], fd: &[f64], value: f64) -> f64 {
    if analytic.len() != fd.len() || !value.is_finite() {
        return f64::INFINITY;
    }
    let mut diff = 0.0f64;
    let mut scale = SCALE_FLOOR.max(value.abs() * VALUE_SCALE);
    for (a, f) in analytic.iter().zip(fd) {
        let d = (a - f).abs();
        if !d.is_finite() {
            return f64::INFINITY;
        }
        diff = diff.max(d);
        scale = scale.max(f.abs());
    }
    diff / scale
}

/// Central differences of the scalar `eval` with respect to every element of `leaves[k]`.
fn fd_gradient(
    leaves: &[Tensor],
    k: usize,
    eval: &dyn Fn(&[Tensor]) -> Result<f64>,
) -> Result<Vec<f64>> {
    let base = values(&leaves[k])?;
    let shape = leaves[k].dims().to_vec();
    let mut out = Vec::with_capacity(base.len());
    let mut probe = leaves.to_vec();
    for e in 0..base.len() {
        let mut at = |delta: f64| -> Result<f64> {
            let mut v = base.clone();
            v[e] += delta;
            probe[k] = Tensor::from_vec(v, shape.as_slice(), &Device::Cpu)?;
            eval(&probe)
        };
        let plus = at(EPS)?;
        let minus = at(-EPS)?;
        out.push((plus - minus) / (2.0 * EPS));
    }
    Ok(out)
}

/// One leaf's result: its label and the relative error of candle's gradient.
#[derive(Debug)]
pub struct LeafError {
    /// `input 0`, `param 1`, ...
    pub leaf: String,
    /// See [`relative_error`].
    pub error: f64,
}

fn labels(n_inputs: usize, n_params: usize) -> Vec<String> {
    (0..n_inputs)
        .map(|i| format!("input {i}"))
        .chain((0..n_params).map(|i| format!("param {i}")))
        .collect()
}

fn as_vars(ts: &[Tensor]) -> Result<Vec<Var>> {
    ts.iter().map(Var::from_tensor).collect()
}

fn tensors(vs: &[Var]) -> Vec<Tensor> {
    vs.iter().map(|v| v.as_tensor().clone()).collect()
}

fn analytic(grads: &candle_core::backprop::GradStore, v: &Var) -> Result<Vec<f64>> {
    match grads.get(v.as_tensor()) {
        Some(g) => values(g),
        // No gradient reached the leaf: candle claims it is zero.
        None => Ok(vec![0.0; v.elem_count()]),
    }
}

/// candle's gradient of `sum(f(inputs, params) * R)` against central differences, per
/// leaf (inputs first, then params). Errors from candle (e.g. a failing backward) are
/// returned as `Err`.
pub fn first_order_report<F>(f: &F, inputs: &[Tensor], params: &[Tensor]) -> Result<Vec<LeafError>>
where
    F: Fn(&[Tensor], &[Tensor]) -> Result<Tensor>,
{
    let vi = as_vars(inputs)?;
    let vp = as_vars(params)?;
    let out = f(&tensors(&vi), &tensors(&vp))?;
    let r = rand_tensor(out.dims(), R_SEED);
    let loss = (&out * &r)?.sum_all()?;
    let value = loss.to_scalar::<f64>()?;
    let grads = loss.backward()?;
    let n_in = inputs.len();
    let eval = |leaves: &[Tensor]| -> Result<f64> {
        (f(&leaves[..n_in], &leaves[n_in..])? * &r)?
            .sum_all()?
            .to_scalar::<f64>()
    };
    let leaves: Vec<Tensor> = inputs.iter().chain(params).cloned().collect();
    let vars: Vec<&Var> = vi.iter().chain(&vp).collect();
    let mut report = Vec::new();
    for (k, label) in labels(inputs.len(), params.len()).into_iter().enumerate() {
        let fd = fd_gradient(&leaves, k, &eval)?;
        report.push(LeafError {
            leaf: label,
            error: relative_error(&analytic(&grads, vars[k])?, &fd, value),
        });
    }
    Ok(report)
}

/// Asserts that candle's first-order gradients of `f` with respect to every input and
/// parameter match central finite differences to [`TOL`].
pub fn check_first_order<F>(name: &str, f: F, inputs: &[Tensor], params: &[Tensor])
where
    F: Fn(&[Tensor], &[Tensor]) -> Result<Tensor>,
{
    let report = first_order_report(&f, inputs, params)
        .unwrap_or_else(|e| panic!("{name}: gradient check failed to run: {e}"));
    for leaf in report {
        assert!(
            leaf.error <= TOL,
            "{name}: first-order gradient of {} is off by {:e} (relative)",
            leaf.leaf,
            leaf.error
        );
    }
}

/// Gradient penalty `P = sum_i (||dF/dx_i||_2 - 1)^2` with `F = sum(f(x, params) * R)`,
/// `x_i` the i-th example. Returns `P` (with its graph when gradients keep theirs) and the
/// `Var` that `x` was wrapped in.
fn penalty<F>(f: &F, x: &Tensor, params: &[Tensor], r: &Tensor) -> Result<(Tensor, Var)>
where
    F: Fn(&Tensor, &[Tensor]) -> Result<Tensor>,
{
    let xv = Var::from_tensor(x)?;
    let out = f(xv.as_tensor(), params)?;
    let grads = (&out * r)?.sum_all()?.backward()?;
    let g = grads
        .get(xv.as_tensor())
        .ok_or_else(|| candle_core::Error::Msg("no gradient reached x".into()))?;
    let dims: Vec<usize> = (1..g.rank()).collect();
    let norms = g.sqr()?.sum(dims.as_slice())?.sqrt()?;
    let p = (norms - 1.0)?.sqr()?.sum_all()?;
    Ok((p, xv))
}

/// candle's second-order gradient `dP/dparams` (and `dP/dx`, reported last as `x`) of the
/// gradient penalty against central differences of `P`, each `P` recomputed with a fresh
/// first-order backward. Runs in a fresh thread so candle reads the process's current
/// `CANDLE_GRAD_DO_NOT_DETACH` (see [`init_graph_mode`]) whatever the caller did before.
pub fn gradient_penalty_report<F>(f: &F, x: &Tensor, params: &[Tensor]) -> Result<Vec<LeafError>>
where
    F: Fn(&Tensor, &[Tensor]) -> Result<Tensor> + Sync,
{
    std::thread::scope(|s| {
        s.spawn(|| -> Result<Vec<LeafError>> {
            let probe_out = f(x, params)?;
            let r = rand_tensor(probe_out.dims(), R_SEED);
            let vp = as_vars(params)?;
            let (p, xv) = penalty(f, x, &tensors(&vp), &r)?;
            let value = p.to_scalar::<f64>()?;
            let grads = p.backward()?;
            let eval_params = |leaves: &[Tensor]| -> Result<f64> {
                penalty(f, x, leaves, &r)?.0.to_scalar::<f64>()
            };
            let mut report = Vec::new();
            for (k, var) in vp.iter().enumerate() {
                let fd = fd_gradient(params, k, &eval_params)?;
                report.push(LeafError {
                    leaf: format!("param {k}"),
                    error: relative_error(&analytic(&grads, var)?, &fd, value),
                });
            }
            let eval_x = |leaves: &[Tensor]| -> Result<f64> {
                penalty(f, &leaves[0], params, &r)?.0.to_scalar::<f64>()
            };
            let fd = fd_gradient(std::slice::from_ref(x), 0, &eval_x)?;
            report.push(LeafError {
                leaf: "x".into(),
                error: relative_error(&analytic(&grads, &xv)?, &fd, value),
            });
            Ok(report)
        })
        .join()
        .unwrap_or_else(|_| {
            Err(candle_core::Error::Msg(
                "gradient check thread panicked".into(),
            ))
        })
    })
}

/// Asserts that the second-order gradient of the gradient penalty of `f` at `x` with
/// respect to `params` (and `x`) matches finite differences to [`TOL`]. The binary must have
/// called `init_graph_mode(true)`.
pub fn check_gradient_penalty<F>(name: &str, f: F, x: &Tensor, params: &[Tensor])
where
    F: Fn(&Tensor, &[Tensor]) -> Result<Tensor> + Sync,
{
    let report = gradient_penalty_report(&f, x, params)
        .unwrap_or_else(|e| panic!("{name}: gradient-penalty check failed to run: {e}"));
    for leaf in report {
        assert!(
            leaf.error <= TOL,
            "{name}: gradient-penalty gradient of {} is off by {:e} (relative)",
            leaf.leaf,
            leaf.error
        );
    }
}

/// The largest error in a report (infinite for an empty one, so it cannot pass silently).
pub fn worst(report: &[LeafError]) -> f64 {
    report
        .iter()
        .map(|l| l.error)
        .fold(None, |acc: Option<f64>, e| {
            Some(acc.map_or(e, |a| a.max(e)))
        })
        .unwrap_or(f64::INFINITY)
}
