//! The `--shapes` table: per network, every node with its op, output shape and parameters.

use ganc_compiler::graph::{Network, Program};
use std::fmt::Write;

/// One table per network, then the totals.
pub fn tables(program: &Program) -> String {
    let mut out = String::new();
    for net in &program.networks {
        out.push_str(&table(net));
        out.push('\n');
    }
    out
}

fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn table(net: &Network) -> String {
    let rows: Vec<[String; 4]> = net
        .nodes
        .iter()
        .map(|n| {
            [
                n.name.clone(),
                n.op.keyword().to_string(),
                n.ty.to_string(),
                if n.params > 0 {
                    group(n.params)
                } else {
                    "-".into()
                },
            ]
        })
        .collect();
    let headers = ["node", "op", "output", "params"];
    let mut widths = headers.map(str::len);
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {:?} ({} inputs, {} outputs)",
        net.name,
        net.role,
        net.inputs.len(),
        net.outputs.len()
    );
    let line = |out: &mut String, cells: [&str; 4]| {
        let _ = writeln!(
            out,
            "  {:<w0$}  {:<w1$}  {:<w2$}  {:>w3$}",
            cells[0],
            cells[1],
            cells[2],
            cells[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3]
        );
    };
    line(&mut out, headers);
    for r in &rows {
        line(&mut out, [&r[0], &r[1], &r[2], &r[3]]);
    }
    let _ = writeln!(
        out,
        "  total: {} trainable parameters, {} buffer values",
        group(net.params),
        group(net.buffers)
    );
    out
}
