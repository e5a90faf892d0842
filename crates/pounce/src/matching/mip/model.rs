//! The constrained assignment problem as a binary program, in the shape both solvers read.
//!
//! Every column is binary. Three kinds:
//!
//! * an **edge** column `x_e` (a usable market edge): at most one per project is taken (the project
//!   rows are implicit), and each partner's edge columns share its capacity and, with budgets, its
//!   mentor hours (the partner rows are implicit too);
//! * a **serve** column `z_q` (retention): 1 only when partner `q` takes at least one of its edge
//!   columns (`z_q ≤ Σ x_e`, implicit);
//! * a **free** column, tied to the rest by explicit rows only (the slack of a quota in a diagnosis).
//!
//! Everything else (institution caps, sector limits, quotas, the rows that fix an earlier objective)
//! is an explicit [`Row`] `lo ≤ Σ a·x ≤ hi`. The structure is kept rather than flattened into rows
//! because Pounce's own solver ([`super::lagrange`]) works on it: partners are its subproblems.

/// What a column stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A usable edge between a project and a partner (indices into the market).
    Edge {
        /// The project.
        project: u32,
        /// The partner.
        partner: u32,
    },
    /// The partner is served (takes at least one project).
    Serve {
        /// The partner.
        partner: u32,
    },
    /// A column tied to the others by explicit rows only.
    Free,
}

/// A binary column.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Column {
    /// What it stands for.
    pub kind: Kind,
    /// Mentor hours an edge takes of its partner's budget (0 for other kinds).
    pub hours: f64,
    /// Fixed to 1 (a locked pair).
    pub fixed: bool,
}

/// An explicit row `lo ≤ Σ coefficient · column ≤ hi` (either side may be infinite).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Row {
    /// (column, coefficient), each column once.
    pub terms: Vec<(u32, f64)>,
    /// Lower side (`f64::NEG_INFINITY` when none).
    pub lo: f64,
    /// Upper side (`f64::INFINITY` when none).
    pub hi: f64,
}

/// A partner's own limits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Limits {
    /// Most edge columns taken.
    pub capacity: u32,
    /// Most mentor hours taken, when budgets are enforced and the partner has one.
    pub budget: Option<f64>,
}

/// The binary program.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Model {
    /// The columns.
    pub columns: Vec<Column>,
    /// Per market project: its edge columns (at most one is taken).
    pub projects: Vec<Vec<u32>>,
    /// Per market partner: its edge columns.
    pub partners: Vec<Vec<u32>>,
    /// Per market partner: its serve column, if retention may serve it.
    pub serve: Vec<Option<u32>>,
    /// Per market partner: capacity and budget.
    pub limits: Vec<Limits>,
    /// The explicit rows.
    pub rows: Vec<Row>,
}

impl Model {
    /// An empty program over `projects` projects and the partners' `limits`.
    pub fn new(projects: usize, limits: Vec<Limits>) -> Model {
        Model {
            columns: Vec::new(),
            projects: vec![Vec::new(); projects],
            partners: vec![Vec::new(); limits.len()],
            serve: vec![None; limits.len()],
            limits,
            rows: Vec::new(),
        }
    }

    /// Adds an edge column; returns its index.
    pub fn add_edge(&mut self, project: usize, partner: usize, hours: f64, fixed: bool) -> u32 {
        let c = self.columns.len() as u32;
        self.columns.push(Column {
            kind: Kind::Edge { project: project as u32, partner: partner as u32 },
            hours,
            fixed,
        });
        self.projects[project].push(c);
        self.partners[partner].push(c);
        c
    }

    /// Adds partner `q`'s serve column; returns its index.
    pub fn add_serve(&mut self, partner: usize) -> u32 {
        let c = self.columns.len() as u32;
        self.columns.push(Column { kind: Kind::Serve { partner: partner as u32 }, hours: 0.0, fixed: false });
        self.serve[partner] = Some(c);
        c
    }

    /// Adds a free column; returns its index.
    pub fn add_free(&mut self) -> u32 {
        let c = self.columns.len() as u32;
        self.columns.push(Column { kind: Kind::Free, hours: 0.0, fixed: false });
        c
    }

    /// Adds a row `lo ≤ Σ terms ≤ hi`.
    pub fn add_row(&mut self, terms: Vec<(u32, f64)>, lo: f64, hi: f64) {
        self.rows.push(Row { terms, lo, hi });
    }

    /// Whether `values` (one per column) meets every row, implicit or explicit, within `tol`.
    pub fn feasible(&self, values: &[bool], tol: f64) -> bool {
        for (c, col) in self.columns.iter().enumerate() {
            if col.fixed && !values[c] {
                return false;
            }
        }
        if self.projects.iter().any(|cols| cols.iter().filter(|&&c| values[c as usize]).count() > 1) {
            return false;
        }
        for (q, cols) in self.partners.iter().enumerate() {
            let taken = cols.iter().filter(|&&c| values[c as usize]);
            let count = taken.clone().count();
            if count > self.limits[q].capacity as usize {
                return false;
            }
            if let Some(b) = self.limits[q].budget {
                if taken.map(|&c| self.columns[c as usize].hours).sum::<f64>() > b + tol {
                    return false;
                }
            }
            if let Some(z) = self.serve[q] {
                if values[z as usize] && count == 0 {
                    return false;
                }
            }
        }
        self.rows.iter().all(|r| {
            let v: f64 = r.terms.iter().filter(|t| values[t.0 as usize]).map(|t| t.1).sum();
            v >= r.lo - tol && v <= r.hi + tol
        })
    }

    /// `Σ objective · values`.
    pub fn value(objective: &[f64], values: &[bool]) -> f64 {
        objective.iter().zip(values).filter(|(_, v)| **v).map(|(c, _)| c).sum()
    }
}
