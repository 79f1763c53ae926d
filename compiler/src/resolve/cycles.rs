//! Recursive blocks: a block that instantiates itself (directly or through others) would
//! expand forever, so such cycles are reported here and never instantiated.

use super::hir::{Block, Module};
use crate::ast::{Expr, ExprKind, Stmt};
use crate::diagnostics::{codes, Diagnostic};
use crate::source::Span;

/// Marks every block on a cycle as recursive and reports each cycle once.
pub fn mark_recursive(modules: &[Module], blocks: &mut [Block], diags: &mut Vec<Diagnostic>) {
    let edges: Vec<Vec<(usize, Span)>> = blocks
        .iter()
        .map(|b| {
            let mut out = Vec::new();
            for stmt in &b.def.body {
                for e in stmt_exprs(stmt) {
                    refs(e, &modules[b.module], &mut out);
                }
            }
            out
        })
        .collect();
    // Iterative DFS (colour 0 new, 1 on the path, 2 done) so deep block chains cannot
    // overflow the stack.
    let mut colour = vec![0u8; blocks.len()];
    let mut on_cycle = vec![false; blocks.len()];
    for start in 0..blocks.len() {
        if colour[start] != 0 {
            continue;
        }
        let mut path: Vec<(usize, usize)> = vec![(start, 0)];
        colour[start] = 1;
        while let Some(&mut (node, ref mut next)) = path.last_mut() {
            if let Some(&(to, span)) = edges[node].get(*next) {
                *next += 1;
                match colour[to] {
                    0 => {
                        colour[to] = 1;
                        path.push((to, 0));
                    }
                    1 => {
                        let pos = path.iter().position(|(n, _)| *n == to).unwrap_or(0);
                        let members: Vec<usize> = path[pos..].iter().map(|(n, _)| *n).collect();
                        if members.iter().all(|m| !on_cycle[*m]) {
                            let mut chain: Vec<&str> =
                                members.iter().map(|m| blocks[*m].name.as_str()).collect();
                            chain.push(blocks[to].name.as_str());
                            diags.push(
                                Diagnostic::error(
                                    codes::RECURSIVE_BLOCK,
                                    span,
                                    format!("block `{}` uses itself: {}", blocks[to].name, chain.join(" -> ")),
                                )
                                .with_primary_text("this use closes the cycle")
                                .with_label(blocks[to].def.name.span, "block defined here")
                                .with_help("blocks expand inline, so they cannot recurse; use `repeat N { ... }` for repetition"),
                            );
                        }
                        for m in members {
                            on_cycle[m] = true;
                        }
                    }
                    _ => {}
                }
            } else {
                colour[node] = 2;
                path.pop();
            }
        }
    }
    for (b, r) in blocks.iter_mut().zip(on_cycle) {
        b.recursive = r;
    }
}

/// The expressions of a statement.
pub fn stmt_exprs(stmt: &Stmt) -> Vec<&Expr> {
    match stmt {
        Stmt::Bind(_, e) | Stmt::Return(e, _) => vec![e],
        Stmt::ReturnNamed(items, _) => items.iter().map(|(_, e)| e).collect(),
    }
}

/// Blocks referenced by an expression (as chain stages or calls), with the use's span.
fn refs(e: &Expr, module: &Module, out: &mut Vec<(usize, Span)>) {
    match &e.kind {
        ExprKind::Name(n) => {
            if let Some(b) = module.block(n) {
                out.push((b, e.span));
            }
        }
        ExprKind::Call(c) => {
            if let Some(b) = module.block(&c.callee.name) {
                out.push((b, c.callee.span));
            }
            for a in c.args.iter().chain(c.named.iter().map(|(_, v)| v)) {
                refs(a, module, out);
            }
        }
        ExprKind::Chain(head, stages) | ExprKind::Repeat(head, stages) => {
            refs(head, module, out);
            for s in stages {
                refs(s, module, out);
            }
        }
        ExprKind::Binary(_, a, b) => {
            refs(a, module, out);
            refs(b, module, out);
        }
        ExprKind::Neg(a) | ExprKind::Member(a, _) => refs(a, module, out),
        ExprKind::List(items) => {
            for i in items {
                refs(i, module, out);
            }
        }
        _ => {}
    }
}
