//! Shape checking of networks: every node gets a concrete type (batch `B` symbolic), blocks
//! are instantiated, parameters counted. HIR -> [`graph::Network`]s.

mod block;
mod builder;
mod combine;
mod expr;
mod trail;

use crate::ast::{ExprKind, Stmt};
use crate::diagnostics::{codes, Diagnostic};
use crate::graph::{self, NodeId, Op, Port, ValueType};
use crate::layers::Consts;
use crate::resolve::{Hir, HirNetwork, HirPort};
use crate::source::{SourceMap, Span};
use builder::Builder;

/// A value during checking: a node, a compile-time number, or nothing (an error was
/// already reported, so dependants stay quiet).
#[derive(Debug, Clone, Copy, PartialEq)]
enum V {
    T(NodeId),
    Num(f64),
    Poison,
}

/// One body being evaluated: the network's or a block instance's.
struct Frame {
    /// Module whose blocks are visible.
    module: usize,
    /// Constants for layer arguments.
    consts: Consts,
    /// Inputs and bindings so far, in order.
    vars: Vec<(String, V)>,
    /// Node-name prefix of a block instance (`d1.down.`), empty in a network.
    prefix: String,
    /// The binding being evaluated (`out` in a return).
    binding: String,
}

impl Frame {
    fn lookup(&self, name: &str) -> Option<V> {
        if let Some((_, v)) = self.vars.iter().rev().find(|(n, _)| n == name) {
            return Some(*v);
        }
        if let Some(i) = self.consts.ints.get(name) {
            return Some(V::Num(i as f64));
        }
        self.consts.floats.get(name).map(|f| V::Num(*f))
    }

    fn node_name(&self, keyword: &str) -> String {
        format!("{}{}.{keyword}", self.prefix, self.binding)
    }
}

/// The checker's state for one network.
struct Cx<'h> {
    hir: &'h Hir,
    sources: &'h SourceMap,
    b: Builder,
    diags: Vec<Diagnostic>,
    /// Block instances currently being expanded (bounded by [`block::MAX_DEPTH`]).
    depth: usize,
}

/// Checks every network of the HIR (all of them, even after errors). Only networks without
/// errors are returned, so later stages can tell "failed its own checks" (absent, already
/// reported) from a network that does not exist.
pub fn check_networks(hir: &Hir, sources: &SourceMap) -> (Vec<graph::Network>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut diags = Vec::new();
    for net in &hir.networks {
        if let Some((n, mut d)) = check_network(hir, sources, net) {
            if !crate::diagnostics::has_errors(&d) {
                out.push(n);
            }
            diags.append(&mut d);
        }
    }
    dedup(&mut diags);
    (out, diags)
}

/// Drops repeats of the same report (a block instantiated many times with the same error).
fn dedup(diags: &mut Vec<Diagnostic>) {
    let mut seen = std::collections::HashSet::new();
    diags.retain(|d| {
        let s = d.primary_span();
        seen.insert((d.code.name, s.source, s.start, s.end, d.message.clone()))
    });
}

fn check_network(
    hir: &Hir,
    sources: &SourceMap,
    net: &HirNetwork,
) -> Option<(graph::Network, Vec<Diagnostic>)> {
    let (inputs, outputs) = (net.inputs.as_ref()?, net.outputs.as_ref()?);
    let mut cx = Cx {
        hir,
        sources,
        b: Builder::default(),
        diags: Vec::new(),
        depth: 0,
    };
    let mut frame = Frame {
        module: 0,
        consts: Consts {
            ints: hir.dim_env(),
            floats: Default::default(),
        },
        vars: Vec::new(),
        prefix: String::new(),
        binding: String::new(),
    };
    let mut in_ports = Vec::new();
    for (index, p) in inputs.iter().enumerate() {
        let id = cx.b.add(
            &p.name,
            Op::Input { index },
            vec![],
            p.ty.clone(),
            0,
            0,
            p.span,
            &mut cx.diags,
        );
        let v = id.map_or(V::Poison, V::T);
        frame.vars.push((p.name.clone(), v));
        in_ports.push(Port {
            name: p.name.clone(),
            ty: p.ty.clone(),
            node: id.unwrap_or(NodeId(0)),
            span: p.span,
        });
    }
    let mut features = Vec::new();
    let mut returned: Vec<(String, V, Span)> = Vec::new();
    let mut return_span = net.def.name.span;
    let mut named_return = false;
    for stmt in &net.def.body {
        match stmt {
            Stmt::Bind(name, e) => {
                frame.binding = name.name.clone();
                let v = cx.eval(e, &mut frame);
                if let V::T(id) = v {
                    features.push((name.name.clone(), id));
                }
                frame.vars.push((name.name.clone(), v));
            }
            Stmt::Return(e, kw) => {
                frame.binding = "out".into();
                let v = cx.eval(e, &mut frame);
                returned.push(("out".into(), v, e.span));
                return_span = kw.to(e.span);
            }
            Stmt::ReturnNamed(items, kw) => {
                named_return = true;
                return_span = *kw;
                for (name, e) in items {
                    frame.binding = name.name.clone();
                    let v = cx.eval(e, &mut frame);
                    returned.push((name.name.clone(), v, e.span));
                }
            }
        }
    }
    let has_return = net.def.body.iter().any(|s| !matches!(s, Stmt::Bind(..)));
    let out_ports = if has_return {
        cx.match_outputs(net, outputs, &returned, named_return, return_span)
    } else {
        outputs.iter().map(|p| port(p, NodeId(0))).collect()
    };
    let (params, buffers) = cx.b.nodes.iter().fold((0u64, 0u64), |(p, b), n| {
        (p.saturating_add(n.params), b.saturating_add(n.buffers))
    });
    let network = graph::Network {
        name: net.name.clone(),
        role: net.role,
        inputs: in_ports,
        outputs: out_ports,
        features,
        nodes: cx.b.nodes,
        params,
        buffers,
        span: net.def.span,
    };
    Some((network, cx.diags))
}

fn port(p: &HirPort, node: NodeId) -> Port {
    Port {
        name: p.name.clone(),
        ty: p.ty.clone(),
        node,
        span: p.span,
    }
}

impl Cx<'_> {
    /// Pairs returned values with declared outputs, reporting missing, extra and mismatched ones.
    fn match_outputs(
        &mut self,
        net: &HirNetwork,
        outputs: &[HirPort],
        returned: &[(String, V, Span)],
        named_return: bool,
        return_span: Span,
    ) -> Vec<Port> {
        if named_return != net.named_outputs {
            let (want, got) = if net.named_outputs {
                ("named outputs", "a single value")
            } else {
                ("a single output", "named values")
            };
            self.diags.push(
                Diagnostic::error(
                    codes::MISSING_RETURN,
                    return_span,
                    format!("`{}` declares {want} but returns {got}", net.name),
                )
                .with_label(outputs_span(&net.def.outputs), "declared here")
                .with_help(if net.named_outputs {
                    let names: Vec<String> =
                        outputs.iter().map(|p| format!("{}: ...", p.name)).collect();
                    format!("return `({})`", names.join(", "))
                } else {
                    "return one expression, or declare named outputs `-> (a: [...], b: [...])`"
                        .into()
                }),
            );
            return outputs.iter().map(|p| port(p, NodeId(0))).collect();
        }
        let mut ports = Vec::new();
        for p in outputs {
            match returned.iter().find(|(n, _, _)| *n == p.name) {
                Some((_, v, span)) => {
                    let node = match v {
                        V::T(id) => {
                            self.compare_output(&net.name, *id, &p.ty, *span, p.span, None);
                            *id
                        }
                        V::Num(_) => {
                            self.not_a_tensor(*span);
                            NodeId(0)
                        }
                        V::Poison => NodeId(0),
                    };
                    ports.push(port(p, node));
                }
                None => {
                    self.diags.push(
                        Diagnostic::error(
                            codes::MISSING_RETURN,
                            return_span,
                            format!("`{}` does not return its output `{}`", net.name, p.name),
                        )
                        .with_label(p.span, "declared here")
                        .with_help(format!("add `{}: <expression>` to the return", p.name)),
                    );
                    ports.push(port(p, NodeId(0)));
                }
            }
        }
        for (name, _, span) in returned {
            if !outputs.iter().any(|p| p.name == *name) {
                let mut d = Diagnostic::error(
                    codes::MISSING_RETURN,
                    *span,
                    format!(
                        "`{}` returns `{name}`, which is not a declared output",
                        net.name
                    ),
                );
                if let Some(s) =
                    crate::suggest::did_you_mean(name, outputs.iter().map(|p| p.name.as_str()))
                {
                    d = d.with_help(format!("did you mean `{s}`?"));
                }
                self.diags.push(d);
            }
        }
        ports
    }

    /// Reports a returned value whose type differs from the declared one.
    fn compare_output(
        &mut self,
        owner: &str,
        id: NodeId,
        declared: &ValueType,
        ret_span: Span,
        decl_span: Span,
        site: Option<&str>,
    ) -> bool {
        let got = self.b.ty(id).clone();
        if &got == declared {
            return true;
        }
        let mut d = Diagnostic::error(
            codes::OUTPUT_MISMATCH,
            ret_span,
            format!("`{owner}` returns {got} but declares {declared}"),
        )
        .with_primary_text(format!("this is {got}"))
        .with_label(decl_span, format!("declared {declared}"));
        match (&got, declared) {
            (ValueType::Tensor(g), ValueType::Tensor(w)) if g.0.len() == w.0.len() => {
                if let Some(axis) = (0..g.0.len()).find(|&i| g.0[i] != w.0[i]) {
                    let name = trail::axis_name(axis, g.0.len());
                    if let Some(t) = trail::trail(&self.b, id, axis) {
                        d = d.with_note(format!("{name} came from: {t}"));
                    }
                    d = d.with_help(format!(
                        "{name} is {} but must be {}: change the layers that set it or the declared output",
                        g.0[axis], w.0[axis]
                    ));
                }
            }
            (ValueType::Tensor(g), ValueType::Tensor(w)) if g.numel() == w.numel() => {
                let dims: Vec<String> = w.0.iter().map(|x| x.to_string()).collect();
                d = d.with_help(format!(
                    "the element counts agree: end with `-> reshape({})`",
                    dims.join(", ")
                ));
            }
            (ValueType::Tensor(g), ValueType::Tensor(w)) if w.0.len() == 1 => {
                d = d.with_help(format!(
                    "{} elements per sample: end with `-> flatten -> linear({})`",
                    g.numel(),
                    w.0[0]
                ));
            }
            _ => {}
        }
        if let Some(site) = site {
            d = d.with_note(site.to_string());
        }
        self.diags.push(d);
        false
    }

    fn not_a_tensor(&mut self, span: Span) {
        self.diags.push(
            Diagnostic::error(
                codes::NOT_A_TENSOR,
                span,
                "expected a tensor, found a number",
            )
            .with_primary_text("a compile-time number")
            .with_help(
                "numbers scale or shift tensors (`0.5 * x`, `x + 1`) but cannot stand alone",
            ),
        );
    }

    /// `file:line:col` of a span.
    fn location(&self, span: Span) -> String {
        let file = self.sources.get(span.source);
        let before = file.text.get(..span.start as usize).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        format!("{}:{line}:{col}", file.path.display())
    }
}

/// Whether an expression is a plain name (for messages that quote operands).
fn name_of(e: &crate::ast::Expr) -> Option<&str> {
    match &e.kind {
        ExprKind::Name(n) => Some(n),
        _ => None,
    }
}

/// Where the outputs of a signature are written.
fn outputs_span(outputs: &crate::ast::Outputs) -> Span {
    match outputs {
        crate::ast::Outputs::Single(ty) => ty.span(),
        crate::ast::Outputs::Named(ps) => match (ps.first(), ps.last()) {
            (Some(a), Some(b)) => a.name.span.to(b.ty.span()),
            _ => Span::default(),
        },
    }
}
