//! The trainable state of a run: every network's variables, the optimizers, the generator.

use crate::error::RunError;
use crate::model::{ParamSet, VbnReference};
use crate::optim::{self, Adam, AdamConfig, Optimizer, RmsProp, RmsPropConfig, Sgd, SgdConfig};
use crate::rng::RunRng;
use candle_core::{Device, Tensor};
use ganc_compiler::graph::{Network, OptimKind, Program};
use std::collections::{BTreeMap, HashMap};

/// A network with its variables.
pub struct NetState {
    /// The checked network.
    pub net: Network,
    /// Its variables.
    pub params: ParamSet,
    /// Reference statistics of its virtual batch norms, once computed.
    pub vbn: Option<VbnReference>,
}

/// Everything that changes during training and is saved in a checkpoint.
pub struct Session {
    /// The checked spec.
    pub program: Program,
    /// Where tensors live.
    pub device: Device,
    /// Networks by name.
    pub nets: BTreeMap<String, NetState>,
    /// One optimizer per trained network.
    pub optims: BTreeMap<String, Box<dyn Optimizer>>,
    /// The run's random generator (initial values, latents, noise, dropout).
    pub rng: RunRng,
    /// Completed iterations.
    pub step: u64,
    /// Historical parameter averages (Salimans et al. 2016), by variable name.
    pub hist: BTreeMap<String, Tensor>,
    /// The fixed inputs of the virtual-batch-norm reference batch, once drawn ([`super::vbn`]).
    pub vbn_batch: Option<super::eval::Draw>,
}

impl Session {
    /// Creates every network's variables from the run seed (networks in spec order, nodes in
    /// topological order) and the optimizers.
    pub fn new(program: Program, device: Device) -> Result<Self, RunError> {
        let mut rng = RunRng::from_seed(program.train.seed);
        let mut nets = BTreeMap::new();
        for net in &program.networks {
            let params = ParamSet::create(net, program.train.init, &mut rng, &device)?;
            nets.insert(
                net.name.clone(),
                NetState {
                    net: net.clone(),
                    params,
                    vbn: None,
                },
            );
        }
        let mut optims: BTreeMap<String, Box<dyn Optimizer>> = BTreeMap::new();
        for spec in &program.train.optimizers {
            let Some(state) = nets.get(&spec.network) else {
                continue;
            };
            let vars = state.params.trainable.clone();
            let opt: Box<dyn Optimizer> = match spec.kind {
                OptimKind::Adam {
                    lr,
                    beta1,
                    beta2,
                    eps,
                    weight_decay,
                } => Box::new(Adam::new(
                    vars,
                    AdamConfig {
                        lr,
                        beta1,
                        beta2,
                        eps,
                        weight_decay,
                    },
                )?),
                OptimKind::RmsProp {
                    lr,
                    alpha,
                    eps,
                    momentum,
                } => Box::new(RmsProp::new(
                    vars,
                    RmsPropConfig {
                        lr,
                        alpha,
                        eps,
                        momentum,
                        weight_decay: 0.0,
                    },
                )?),
                OptimKind::Sgd {
                    lr,
                    momentum,
                    nesterov,
                } => Box::new(Sgd::new(
                    vars,
                    SgdConfig {
                        lr,
                        momentum,
                        nesterov,
                        weight_decay: 0.0,
                    },
                )?),
            };
            optims.insert(spec.network.clone(), opt);
        }
        Ok(Session {
            program,
            device,
            nets,
            optims,
            rng,
            step: 0,
            hist: BTreeMap::new(),
            vbn_batch: None,
        })
    }

    /// The network state with this name.
    pub fn net(&self, name: &str) -> Result<&NetState, RunError> {
        self.nets
            .get(name)
            .ok_or_else(|| RunError::Invalid(format!("no network `{name}` in the spec")))
    }

    /// All tensors a checkpoint holds: variables, optimizer state (`optim.<net>.`),
    /// historical averages (`hist.`), virtual-batch-norm reference statistics (`vbn.`).
    pub fn state_tensors(&self) -> HashMap<String, Tensor> {
        let mut out = HashMap::new();
        for state in self.nets.values() {
            out.extend(state.params.named_tensors());
        }
        for (name, opt) in &self.optims {
            out.extend(optim::with_prefix(&format!("optim.{name}"), opt.state()));
        }
        for (name, t) in &self.hist {
            out.insert(format!("hist.{name}"), t.clone());
        }
        out.extend(super::vbn::state_tensors(self));
        out
    }

    /// Restores what [`Session::state_tensors`] saved. Every variable must be present with its shape.
    pub fn load_state(&mut self, named: &HashMap<String, Tensor>) -> Result<(), RunError> {
        for state in self.nets.values() {
            for (name, var) in state.params.trainable.iter().chain(&state.params.buffers) {
                let saved = named.get(name).ok_or_else(|| {
                    RunError::Resume(format!("the checkpoint has no variable `{name}`"))
                })?;
                if saved.dims() != var.dims() {
                    return Err(RunError::Resume(format!(
                        "variable `{name}` has shape {:?} in the checkpoint but {:?} in the spec",
                        saved.dims(),
                        var.dims()
                    )));
                }
                var.set(&saved.to_device(&self.device)?)?;
            }
        }
        for (name, opt) in self.optims.iter_mut() {
            opt.load_state(&optim::strip_prefix(&format!("optim.{name}"), named))?;
        }
        self.hist = named
            .iter()
            .filter_map(|(k, t)| k.strip_prefix("hist.").map(|n| (n.to_string(), t.clone())))
            .collect();
        super::vbn::load_state(self, named)
    }
}
