//! Training progress: a live bar on a terminal, plain log lines otherwise (logs, CI, pipes).

use indicatif::{ProgressBar, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// How often the bar's it/s figure is recomputed; per-step rates would flicker.
const BAR_RATE_INTERVAL: Duration = Duration::from_secs(1);

const BAR_TEMPLATE: &str = "{bar:30} {pos}/{len}  {msg}  [{elapsed_precise}<{eta_precise}]";

/// Reports training progress: step/total, the latest losses as `name=value` pairs, and
/// iterations per second.
///
/// On a terminal (stderr) it draws an indicatif bar. Otherwise it writes a line such as
/// `step 200/5000  d_loss=1.234 g_loss=0.876  12.3 it/s` at every step that is a multiple of
/// `plain_every` and at the last step; the rate is measured since the previous line.
pub struct Progress {
    total: u64,
    sink: Sink,
    started: Instant,
    /// Where the current rate measurement started: time and step.
    mark: (Instant, u64),
    /// Last computed rate, if any time has passed since the mark.
    rate: Option<f64>,
    /// Last step reported, when, and whether a plain line was written for it.
    last: Option<(u64, Instant, bool)>,
    losses: String,
}

enum Sink {
    Bar(ProgressBar),
    Plain {
        out: Box<dyn Write + Send>,
        every: u64,
    },
}

impl Progress {
    /// A reporter for a run of `total` steps resuming after `start_step` (0 for a fresh run):
    /// a bar if stderr is a terminal, else plain lines on stderr every `plain_every` steps.
    pub fn new(total: u64, start_step: u64, plain_every: u64) -> Self {
        if std::io::stderr().is_terminal() {
            let style = ProgressStyle::with_template(BAR_TEMPLATE)
                .unwrap_or_else(|_| ProgressStyle::default_bar());
            let bar = ProgressBar::new(total)
                .with_style(style)
                .with_position(start_step);
            Self::with_sink(total, start_step, Sink::Bar(bar))
        } else {
            Self::with_writer(total, start_step, plain_every, Box::new(std::io::stderr()))
        }
    }

    /// A plain-line reporter writing to `out`, a line every `plain_every` steps (0 is taken
    /// as 1) and at the last step.
    pub fn with_writer(
        total: u64,
        start_step: u64,
        plain_every: u64,
        out: Box<dyn Write + Send>,
    ) -> Self {
        let every = plain_every.max(1);
        Self::with_sink(total, start_step, Sink::Plain { out, every })
    }

    fn with_sink(total: u64, start_step: u64, sink: Sink) -> Self {
        let started = Instant::now();
        Progress {
            total,
            sink,
            started,
            mark: (started, start_step),
            rate: None,
            last: None,
            losses: String::new(),
        }
    }

    /// When this reporter was created: the origin of the first rate measurement.
    pub fn started(&self) -> Instant {
        self.started
    }

    /// Reports that `step` is done with the given losses.
    pub fn update(&mut self, step: u64, losses: &[(&str, f64)]) -> std::io::Result<()> {
        self.update_at(step, losses, Instant::now())
    }

    /// [`Progress::update`] with an explicit clock reading, so rates can be checked.
    pub fn update_at(
        &mut self,
        step: u64,
        losses: &[(&str, f64)],
        now: Instant,
    ) -> std::io::Result<()> {
        self.losses = losses
            .iter()
            .map(|(name, v)| format!("{name}={}", format_value(*v)))
            .collect::<Vec<_>>()
            .join(" ");
        let printed = match &mut self.sink {
            Sink::Bar(bar) => {
                if now.saturating_duration_since(self.mark.0) >= BAR_RATE_INTERVAL {
                    self.rate = rate_since(self.mark, step, now);
                    self.mark = (now, step);
                }
                bar.set_position(step);
                bar.set_message(format!("{}  {}", self.losses, format_rate(self.rate)));
                false
            }
            Sink::Plain { every, .. } => {
                let due = step.is_multiple_of(*every) || step == self.total;
                if due {
                    self.write_line(step, now)?;
                }
                due
            }
        };
        self.last = Some((step, now, printed));
        Ok(())
    }

    /// Prints `text` on its own line (above the bar on a terminal).
    pub fn message(&mut self, text: &str) -> std::io::Result<()> {
        match &mut self.sink {
            Sink::Bar(bar) => {
                bar.println(text);
                Ok(())
            }
            Sink::Plain { out, .. } => {
                writeln!(out, "{text}")?;
                out.flush()
            }
        }
    }

    /// Ends the report: leaves the bar drawn, or writes a line for the last step if none was
    /// written for it (a run stopped between two report steps).
    pub fn finish(&mut self) -> std::io::Result<()> {
        match &self.sink {
            Sink::Bar(bar) => {
                bar.finish();
                Ok(())
            }
            Sink::Plain { .. } => match self.last {
                Some((step, at, false)) => {
                    self.write_line(step, at)?;
                    self.last = Some((step, at, true));
                    Ok(())
                }
                _ => Ok(()),
            },
        }
    }

    /// Writes the plain line for `step` and restarts the rate measurement there.
    fn write_line(&mut self, step: u64, now: Instant) -> std::io::Result<()> {
        self.rate = rate_since(self.mark, step, now);
        self.mark = (now, step);
        if let Sink::Plain { out, .. } = &mut self.sink {
            let mut line = format!("step {step}/{}  ", self.total);
            if !self.losses.is_empty() {
                line.push_str(&self.losses);
                line.push_str("  ");
            }
            line.push_str(&format_rate(self.rate));
            writeln!(out, "{line}")?;
            out.flush()?;
        }
        Ok(())
    }
}

/// Steps per second from `mark` to (`step`, `now`); `None` when no time has passed.
fn rate_since(mark: (Instant, u64), step: u64, now: Instant) -> Option<f64> {
    let secs = now.saturating_duration_since(mark.0).as_secs_f64();
    (secs > 0.0).then(|| step.saturating_sub(mark.1) as f64 / secs)
}

fn format_rate(rate: Option<f64>) -> String {
    match rate {
        Some(r) => format!("{r:.1} it/s"),
        None => "-- it/s".to_string(),
    }
}

/// Three decimals for ordinary magnitudes; scientific notation where that would hide the value.
fn format_value(v: f64) -> String {
    let a = v.abs();
    if v.is_finite() && a != 0.0 && !(1e-3..1e4).contains(&a) {
        format!("{v:.3e}")
    } else {
        format!("{v:.3}")
    }
}
