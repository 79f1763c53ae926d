//! Name checks in network and block bodies: every name used is defined earlier, bindings are
//! unique, stages are layers or visible blocks, unused bindings are flagged.

use super::hir::{Block, Module};
use crate::ast::{self, Call, Expr, ExprKind, Item, NetworkDef, Stmt};
use crate::diagnostics::{codes, Diagnostic};
use crate::layers;
use crate::source::Span;
use crate::suggest::did_you_mean;
use std::collections::{HashMap, HashSet};

/// Names read as `X.name` anywhere in the game and train sections: bindings read there are
/// used even if nothing in their body reads them.
pub fn feature_reads(file: &ast::File) -> HashSet<String> {
    let mut out = HashSet::new();
    for item in &file.items {
        if let Item::Game(s) | Item::Train(s) = item {
            for e in &s.entries {
                members(&e.value, &mut out);
            }
        }
    }
    out
}

fn members(e: &Expr, out: &mut HashSet<String>) {
    match &e.kind {
        ExprKind::Member(inner, name) => {
            out.insert(name.name.clone());
            members(inner, out);
        }
        ExprKind::Call(c) => {
            for a in c.args.iter().chain(c.named.iter().map(|(_, v)| v)) {
                members(a, out);
            }
        }
        ExprKind::Binary(_, a, b) => {
            members(a, out);
            members(b, out);
        }
        ExprKind::Neg(a) => members(a, out),
        ExprKind::List(items) | ExprKind::Chain(_, items) | ExprKind::Repeat(_, items) => {
            for i in items {
                members(i, out);
            }
        }
        _ => {}
    }
}

struct Walker<'a> {
    def: &'a NetworkDef,
    module: &'a Module,
    blocks: &'a [Block],
    /// Defined so far (inputs and earlier bindings): name -> where defined.
    defined: HashMap<&'a str, Span>,
    /// Every binding of the body: name -> its first definition.
    all_bindings: HashMap<&'a str, Span>,
    scalars: HashSet<&'a str>,
    used: HashSet<String>,
    diags: &'a mut Vec<Diagnostic>,
}

/// Checks the names in one body.
pub fn check_body(
    def: &NetworkDef,
    module: &Module,
    blocks: &[Block],
    feature_reads: &HashSet<String>,
    diags: &mut Vec<Diagnostic>,
) {
    let mut all_bindings = HashMap::new();
    for s in &def.body {
        if let Stmt::Bind(name, _) = s {
            all_bindings.entry(name.name.as_str()).or_insert(name.span);
        }
    }
    let mut scalars: HashSet<&str> = def.params.iter().map(|p| p.name.name.as_str()).collect();
    scalars.extend(module.dims.iter().map(|(n, _)| n.as_str()));
    let mut w = Walker {
        def,
        module,
        blocks,
        defined: def
            .inputs
            .iter()
            .map(|p| (p.name.name.as_str(), p.name.span))
            .collect(),
        all_bindings,
        scalars,
        used: HashSet::new(),
        diags,
    };
    let mut returns: Vec<Span> = Vec::new();
    let mut bindings: Vec<&ast::Ident> = Vec::new();
    for stmt in &def.body {
        match stmt {
            Stmt::Bind(name, e) => {
                w.value(e);
                if let Some(prev) = w.defined.get(name.name.as_str()) {
                    let what = if def.inputs.iter().any(|p| p.name.name == name.name) {
                        "an input"
                    } else {
                        "a binding"
                    };
                    w.diags.push(
                        Diagnostic::error(
                            codes::DUPLICATE_NAME,
                            name.span,
                            format!("`{}` is already {what} of `{}`", name.name, def.name.name),
                        )
                        .with_primary_text("defined again here")
                        .with_label(*prev, "first defined here")
                        .with_help(format!(
                            "bindings are single-assignment; use a new name such as `{}2`",
                            name.name
                        )),
                    );
                    continue;
                }
                w.defined.insert(name.name.as_str(), name.span);
                bindings.push(name);
            }
            Stmt::Return(e, kw) => {
                w.value(e);
                returns.push(*kw);
            }
            Stmt::ReturnNamed(items, kw) => {
                for (_, e) in items {
                    w.value(e);
                }
                returns.push(*kw);
            }
        }
    }
    match returns.as_slice() {
        [] => w.diags.push(
            Diagnostic::error(
                codes::MISSING_RETURN,
                def.name.span,
                format!("`{}` has no `return`", def.name.name),
            )
            .with_primary_text("its body never returns a value")
            .with_help("end the body with `return <expression>`"),
        ),
        [_, second, ..] => w.diags.push(
            Diagnostic::error(
                codes::MISSING_RETURN,
                *second,
                format!("`{}` returns more than once", def.name.name),
            )
            .with_primary_text("second return")
            .with_label(returns[0], "first return")
            .with_help("return several outputs with named outputs: `return (adv: a, q: b)`"),
        ),
        _ => {}
    }
    // Without a return every binding looks unused; the missing return is the real problem.
    let bindings = if returns.is_empty() {
        Vec::new()
    } else {
        bindings
    };
    for b in bindings {
        if !w.used.contains(&b.name) && !feature_reads.contains(&b.name) && !b.name.starts_with('_')
        {
            w.diags.push(
                Diagnostic::warning(
                    codes::UNUSED_BINDING,
                    b.span,
                    format!("binding `{}` is never used", b.name),
                )
                .with_primary_text("computed but not used")
                .with_help(format!("remove it, use it, or name it `_{}`", b.name)),
            );
        }
    }
}

impl<'a> Walker<'a> {
    /// An expression whose value is a tensor (or a scalar in arithmetic).
    fn value(&mut self, e: &'a Expr) {
        match &e.kind {
            ExprKind::Name(n) => self.name(n, e.span),
            ExprKind::Call(c) => self.head_call(c),
            ExprKind::Chain(head, stages) => {
                self.value(head);
                for s in stages {
                    self.stage(s);
                }
            }
            ExprKind::Binary(_, a, b) => {
                self.value(a);
                self.value(b);
            }
            ExprKind::Neg(a) => self.value(a),
            _ => {}
        }
    }

    fn name(&mut self, n: &str, span: Span) {
        if self.defined.contains_key(n) {
            self.used.insert(n.to_string());
            return;
        }
        if self.scalars.contains(n) {
            return;
        }
        if let Some(later) = self.all_bindings.get(n) {
            self.used.insert(n.to_string());
            self.diags.push(
                Diagnostic::error(
                    codes::USE_BEFORE_DEF,
                    span,
                    format!("`{n}` is used before it is defined"),
                )
                .with_primary_text("used here")
                .with_label(*later, "defined later here")
                .with_help(
                    "bindings form a graph in source order: move the definition above this line",
                ),
            );
            return;
        }
        let mut d = Diagnostic::error(
            codes::UNKNOWN_NAME,
            span,
            format!("unknown name `{n}` in `{}`", self.def.name.name),
        )
        .with_primary_text("not an input or an earlier binding");
        let candidates: Vec<&str> = self.defined.keys().copied().collect();
        d = if let Some(s) = did_you_mean(n, candidates.iter().copied()) {
            d.with_help(format!("did you mean `{s}`?"))
        } else if layers::is_layer(n) || self.module.block(n).is_some() {
            d.with_help(format!("`{n}` is a layer: apply it with `x -> {n}`"))
        } else {
            let mut names = candidates;
            names.sort_unstable();
            d.with_help(format!("names in scope: {}", names.join(", ")))
        };
        self.diags.push(d);
    }

    /// A call written where a value is expected: `cat(a, b)`, `onehot(y, 10)`, `block(64, x)`.
    fn head_call(&mut self, c: &'a Call) {
        let callee = c.callee.name.as_str();
        if callee == "cat" || callee == "add" {
            for a in &c.args {
                self.value(a);
            }
        } else if self.module.block(callee).is_some() {
            self.block_args(c);
        } else if layers::is_layer(callee) {
            if let Some(first) = c.args.first() {
                self.value(first);
            }
        } else {
            self.unknown_stage(callee, c.callee.span);
        }
    }

    fn stage(&mut self, s: &'a Expr) {
        match &s.kind {
            ExprKind::Name(n) if !layers::is_layer(n) && self.module.block(n).is_none() => {
                self.unknown_stage(n, s.span);
            }
            ExprKind::Call(c) => {
                let callee = c.callee.name.as_str();
                if callee == "cat" || callee == "add" {
                    for a in &c.args {
                        self.value(a);
                    }
                } else if self.module.block(callee).is_some() {
                    self.block_args(c);
                } else if !layers::is_layer(callee) {
                    self.unknown_stage(callee, c.callee.span);
                }
            }
            ExprKind::Repeat(_, stages) => {
                for st in stages {
                    self.stage(st);
                }
            }
            _ => {}
        }
    }

    /// A block call's extra positional arguments (after its parameters) are tensors; its
    /// named arguments must be parameters.
    fn block_args(&mut self, c: &'a Call) {
        for (i, a) in c.args.iter().enumerate() {
            if i >= self.block_param_count(&c.callee.name) {
                self.value(a);
            }
        }
        let params = self.block_params(&c.callee.name);
        for (k, _) in &c.named {
            if !params.contains(&k.name) {
                let mut d = Diagnostic::error(
                    codes::UNKNOWN_ARG,
                    k.span,
                    format!("block `{}` has no parameter `{}`", c.callee.name, k.name),
                )
                .with_primary_text("unknown parameter");
                d = match did_you_mean(&k.name, params.iter().map(String::as_str)) {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")),
                    None if params.is_empty() => {
                        d.with_help(format!("`{}` takes no parameters", c.callee.name))
                    }
                    None => d.with_help(format!("its parameters are: {}", params.join(", "))),
                };
                self.diags.push(d);
            }
        }
    }

    fn block_params(&self, name: &str) -> Vec<String> {
        self.signature_of(name)
            .map(|def| def.params.iter().map(|p| p.name.name.clone()).collect())
            .unwrap_or_default()
    }

    fn block_param_count(&self, name: &str) -> usize {
        self.signature_of(name).map_or(0, |d| d.params.len())
    }

    fn signature_of(&self, name: &str) -> Option<&'a NetworkDef> {
        self.module
            .block(name)
            .and_then(|i| self.blocks.get(i))
            .map(|b| &b.def)
    }

    fn unknown_stage(&mut self, n: &str, span: Span) {
        let mut d = Diagnostic::error(
            codes::UNKNOWN_LAYER,
            span,
            format!("unknown layer or block `{n}`"),
        )
        .with_primary_text("not a layer or a block in scope");
        let candidates = layers::NAMES
            .iter()
            .copied()
            .chain(self.module.blocks.iter().map(|(b, _)| b.as_str()));
        d = match did_you_mean(n, candidates) {
            Some(s) => d.with_help(format!("did you mean `{s}`?")),
            None if self.defined.contains_key(n) => d.with_help(format!(
                "`{n}` is a binding, not a layer: combine tensors with `cat({n}, ...)` or `+`"
            )),
            None => d.with_help(
                "see docs/language.md for the layer catalogue; blocks must be defined or imported",
            ),
        };
        self.diags.push(d);
    }
}
