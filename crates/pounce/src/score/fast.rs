//! Columnar scoring for [`recommend`](crate::recommend): the partner pool as columns (structure of
//! arrays) in blocks of [`BLOCK`] partners, per-project lookup tables, and per-block upper bounds of
//! the mutual score, so that a project skips the blocks that cannot enter its top k.
//!
//! Exactness: [`Tab::score`] performs the same f64 operations in the same order as
//! [`Scorer::score`](super::Scorer::score) (each dimension's value, then `Scorer::combine`), so its
//! mutual score is bit-identical (the recommendation tests compare with a naive reference). A block
//! bound applies the same operations to per-dimension upper bounds over the block; IEEE rounding is
//! monotone and every weight is >= 0, so the bound is never below the score of a pair in the block.

use std::collections::HashMap;

use chrono::Datelike;

use super::Scorer;
use super::prepare::ProjectPrep;
use crate::geo::{haversine_km, overlap_hours};
use crate::model::{Dimension, PartnerStatus, Project, SizeBand};
use crate::taxonomy::naics::IndustryCode;

/// Partners per block.
pub(crate) const BLOCK: usize = 256;
const NO_RANK: u32 = u32::MAX;
const DECLINED: u16 = 1 << 14;
const NO_CAPACITY: u16 = 1 << 15;

#[derive(Debug, Clone, Copy)]
struct Offer {
    rank: u32,
    min_weeks: u32,
    max_weeks: u32,
}

const NO_OFFER: Offer = Offer { rank: NO_RANK, min_weeks: 0, max_weeks: 0 };

/// Summary of one block: what any partner of it can at best offer.
#[derive(Debug, Clone)]
struct Block {
    start: u32,
    end: u32,
    min_tie: u32,
    bands: u8,
    ip: u8,
    empty_skills: bool,
    max_hours: f64,
    max_contacts: u8,
    fw_rank: [u32; 3],
    max_level: u8,
    min_from: i32,
    max_to: i32,
    codes: (u32, u32),
    skills: (u32, u32),
    locs: (u32, u32),
}

/// The partner pool as columns, in scan order (partners sorted by first industry code, then place).
#[derive(Debug)]
pub(crate) struct Pool {
    order: Vec<u32>,
    ind_start: Vec<u32>,
    ind: Vec<u32>,
    sk_start: Vec<u32>,
    sk: Vec<u32>,
    /// Location id * 2 + remote.
    loc: Vec<u32>,
    band: Vec<u8>,
    hours: Vec<f64>,
    contacts: Vec<u8>,
    level: Vec<u8>,
    offers: Vec<[Offer; 3]>,
    from: Vec<i32>,
    to: Vec<i32>,
    ip: Vec<u8>,
    excl: Vec<u16>,
    codes: Vec<IndustryCode>,
    /// Distinct (lat, lon, zone index).
    locs: Vec<(f64, f64, u32)>,
    blocks: Vec<Block>,
    blk_codes: Vec<u32>,
    blk_skills: Vec<u32>,
    blk_locs: Vec<u32>,
    vocab: usize,
    /// Per institution index of the referral table: the largest closeness per block.
    referral_max: HashMap<usize, Vec<f32>>,
    /// Exclusions that do not depend on the project: (declined, no capacity, either).
    partner_only: (usize, usize, usize),
}

/// The first four digits of a code as a number that sorts as the digit strings do (a shorter code
/// before the longer ones it starts), without allocating: digit + 1 in base 11, 0 past the end.
fn group_key(code: IndustryCode) -> u32 {
    struct Digits(u32, u32);
    impl std::fmt::Write for Digits {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            for b in s.bytes().filter(u8::is_ascii_digit) {
                if self.1 < 4 {
                    self.0 = self.0 * 11 + u32::from(b - b'0') + 1;
                    self.1 += 1;
                }
            }
            Ok(())
        }
    }
    let mut d = Digits(0, 0);
    let _ = std::fmt::Write::write_fmt(&mut d, format_args!("{code}"));
    d.0 * 11u32.pow(4 - d.1)
}

fn day(d: chrono::NaiveDate) -> i32 {
    d.num_days_from_ce()
}

/// Whether the fast path handles this scorer (every project wants at most 64 skills).
pub(crate) fn supported(scorer: &Scorer<'_>) -> bool {
    scorer.prepared.projects.iter().all(|pp| pp.skills.len() <= 64)
}

impl Pool {
    /// Lays out the partners of the scorer's term; `ties` are the partners' id ranks.
    pub(crate) fn new(scorer: &Scorer<'_>, ties: &[u32]) -> Pool {
        let term = scorer.term;
        let prep = &scorer.prepared.partners;
        let n = term.partners.len();
        let mut code_ids: HashMap<IndustryCode, u32> = HashMap::new();
        let mut codes = Vec::new();
        let mut loc_ids: HashMap<(u64, u64, u32), u32> = HashMap::new();
        let mut locs = Vec::new();
        let mut part_loc = Vec::with_capacity(n);
        for (q, qp) in term.partners.iter().zip(prep) {
            for c in &q.industries {
                code_ids.entry(*c).or_insert_with(|| {
                    codes.push(*c);
                    codes.len() as u32 - 1
                });
            }
            let key = (q.location.lat.to_bits(), q.location.lon.to_bits(), qp.tz);
            let id = *loc_ids.entry(key).or_insert_with(|| {
                locs.push((q.location.lat, q.location.lon, qp.tz));
                locs.len() as u32 - 1
            });
            part_loc.push(id);
        }
        // Scan order: partners close in industry, then in place, share blocks, so that the blocks'
        // bounds are tight: first by the first code's 4-digit group, then by a 10-degree cell.
        let cell = |lat: f64, lon: f64| ((lat / 10.0).floor() as i32, (lon / 10.0).floor() as i32);
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.sort_by_cached_key(|&i| {
            let q = &term.partners[i as usize];
            let first = q.industries.first().copied();
            let group = first.map(group_key);
            (group, cell(q.location.lat, q.location.lon), first, part_loc[i as usize], i)
        });
        let mut pool = Pool {
            order,
            ind_start: Vec::with_capacity(n + 1),
            ind: Vec::new(),
            sk_start: Vec::with_capacity(n + 1),
            sk: Vec::new(),
            loc: Vec::with_capacity(n),
            band: Vec::with_capacity(n),
            hours: Vec::with_capacity(n),
            contacts: Vec::with_capacity(n),
            level: Vec::with_capacity(n),
            offers: Vec::with_capacity(n),
            from: Vec::with_capacity(n),
            to: Vec::with_capacity(n),
            ip: Vec::with_capacity(n),
            excl: Vec::with_capacity(n),
            codes,
            locs,
            blocks: Vec::new(),
            blk_codes: Vec::new(),
            blk_skills: Vec::new(),
            blk_locs: Vec::new(),
            vocab: prep.iter().flat_map(|qp| qp.skills.iter()).map(|&s| s as usize + 1).max().unwrap_or(0),
            referral_max: HashMap::new(),
            partner_only: (0, 0, 0),
        };
        pool.ind_start.push(0);
        pool.sk_start.push(0);
        for &i in &pool.order {
            let (q, qp) = (&term.partners[i as usize], &prep[i as usize]);
            pool.ind.extend(q.industries.iter().map(|c| code_ids[c]));
            pool.ind_start.push(pool.ind.len() as u32);
            pool.sk.extend_from_slice(&qp.skills);
            pool.sk_start.push(pool.sk.len() as u32);
            pool.loc.push(part_loc[i as usize] * 2 + u32::from(q.remote));
            pool.band.push(SizeBand::of(q.employees).index().unwrap_or(0) as u8);
            pool.hours.push(q.mentor_hours);
            pool.contacts.push(q.contacts.min(3) as u8);
            pool.level.push(qp.level as u8);
            let mut offers = [NO_OFFER; 3];
            for (rank, o) in q.frameworks.iter().enumerate() {
                let slot = &mut offers[o.framework as usize];
                if slot.rank == NO_RANK {
                    *slot = Offer { rank: rank as u32, min_weeks: o.min_weeks, max_weeks: o.max_weeks };
                }
            }
            pool.offers.push(offers);
            pool.from.push(q.available_from.map_or(i32::MIN, day));
            pool.to.push(q.available_to.map_or(i32::MAX, day));
            pool.ip.push(q.ip.iter().fold(0u8, |m, p| m | 1 << (*p as u8)));
            let mut ex = 0u16;
            if q.status == PartnerStatus::Declined {
                ex |= DECLINED;
                pool.partner_only.0 += 1;
            }
            if q.capacity == 0 {
                ex |= NO_CAPACITY;
                pool.partner_only.1 += 1;
            }
            pool.partner_only.2 += usize::from(ex != 0);
            pool.excl.push(ex);
        }
        let mut start = 0;
        let mut scratch: Vec<u32> = Vec::new();
        while start < n {
            let end = (start + BLOCK).min(n);
            let r = start..end;
            let mut b = Block {
                start: start as u32,
                end: end as u32,
                min_tie: r.clone().map(|s| ties[pool.order[s] as usize]).min().unwrap_or(u32::MAX),
                bands: r.clone().fold(0, |m, s| m | 1 << pool.band[s]),
                ip: r.clone().fold(0, |m, s| m | pool.ip[s]),
                empty_skills: r.clone().any(|s| pool.sk_start[s] == pool.sk_start[s + 1]),
                max_hours: r.clone().map(|s| pool.hours[s]).fold(f64::NEG_INFINITY, f64::max),
                max_contacts: r.clone().map(|s| pool.contacts[s]).max().unwrap_or(0),
                fw_rank: [0, 1, 2].map(|f| r.clone().map(|s| pool.offers[s][f].rank).min().unwrap_or(NO_RANK)),
                max_level: r.clone().map(|s| pool.level[s]).max().unwrap_or(0),
                min_from: r.clone().map(|s| pool.from[s]).min().unwrap_or(i32::MIN),
                max_to: r.clone().map(|s| pool.to[s]).max().unwrap_or(i32::MAX),
                codes: (0, 0),
                skills: (0, 0),
                locs: (0, 0),
            };
            let mut distinct = |values: &mut dyn Iterator<Item = u32>, out: &mut Vec<u32>| {
                scratch.clear();
                scratch.extend(values);
                scratch.sort_unstable();
                scratch.dedup();
                let from = out.len() as u32;
                out.extend_from_slice(&scratch);
                (from, out.len() as u32)
            };
            let (is, ie) = (pool.ind_start[start] as usize, pool.ind_start[end] as usize);
            b.codes = distinct(&mut pool.ind[is..ie].iter().copied(), &mut pool.blk_codes);
            let (ss, se) = (pool.sk_start[start] as usize, pool.sk_start[end] as usize);
            b.skills = distinct(&mut pool.sk[ss..se].iter().copied(), &mut pool.blk_skills);
            b.locs = distinct(&mut pool.loc[r].iter().copied(), &mut pool.blk_locs);
            pool.blocks.push(b);
            start = end;
        }
        if let Some(refs) = scorer.referrals {
            for p in &term.projects {
                let Some(i) = refs.institution(&p.institution) else { continue };
                if pool.referral_max.contains_key(&i) || !refs.institution_in_graph(&p.institution) {
                    continue;
                }
                let maxima = pool
                    .blocks
                    .iter()
                    .map(|b| {
                        (b.start..b.end)
                            .map(|s| refs.closeness_at(i, pool.order[s as usize] as usize) as f32)
                            .fold(0f32, f32::max)
                    })
                    .collect();
                pool.referral_max.insert(i, maxima);
            }
        }
        pool
    }

    /// Number of partners.
    pub(crate) fn len(&self) -> usize {
        self.order.len()
    }

    /// Bytes of the columns and block summaries a scan reads (the referral table aside).
    pub(crate) fn bytes(&self) -> usize {
        fn size<T>(v: &[T]) -> usize {
            std::mem::size_of_val(v)
        }
        size(&self.order)
            + size(&self.ind_start)
            + size(&self.ind)
            + size(&self.sk_start)
            + size(&self.sk)
            + size(&self.loc)
            + size(&self.band)
            + size(&self.hours)
            + size(&self.contacts)
            + size(&self.level)
            + size(&self.offers)
            + size(&self.from)
            + size(&self.to)
            + size(&self.ip)
            + size(&self.excl)
            + size(&self.codes)
            + size(&self.locs)
            + size(&self.blocks)
            + size(&self.blk_codes)
            + size(&self.blk_skills)
            + size(&self.blk_locs)
    }

    /// Number of blocks.
    pub(crate) fn blocks(&self) -> usize {
        self.blocks.len()
    }

    /// The scan positions of block `b`.
    pub(crate) fn block_range(&self, b: usize) -> std::ops::Range<usize> {
        self.blocks[b].start as usize..self.blocks[b].end as usize
    }

    /// The smallest id rank in block `b`.
    pub(crate) fn block_min_tie(&self, b: usize) -> u32 {
        self.blocks[b].min_tie
    }

    /// The partner index at scan position `pos`.
    pub(crate) fn partner(&self, pos: usize) -> usize {
        self.order[pos] as usize
    }

    /// The distances in km from `(lat, lon)` to each of the pool's locations, for [`Tab::new`]:
    /// projects at the same place share them.
    pub(crate) fn distances(&self, lat: f64, lon: f64) -> Vec<f64> {
        self.locs.iter().map(|&(qlat, qlon, _)| haversine_km(lat, lon, qlat, qlon)).collect()
    }
}

/// How a project scores each value of a partner column.
pub(crate) struct Tab<'a> {
    scorer: &'a Scorer<'a>,
    pool: &'a Pool,
    p: &'a Project,
    pp: &'a ProjectPrep,
    n_w: usize,
    /// `[code * n_w + w]`: similarity and cover of wanted code `w` against a pool code.
    ind: Vec<(f64, bool)>,
    /// Per vocabulary id: the wanted skills it matches, as a bit set.
    sk_mask: Vec<u64>,
    /// Per location id * 2 + remote: the location value and pass.
    loc: Vec<(f64, bool)>,
    size: [(f64, bool); 4],
    fw: usize,
    start: i32,
    end: i32,
    total_days: i64,
    referral: Referral<'a>,
    must: u16,
}

enum Referral<'a> {
    NoGraph,
    NotInGraph,
    At(usize, Option<&'a Vec<f32>>),
}

impl<'a> Tab<'a> {
    /// The tables of project `project`; `km` are [`Pool::distances`] from its location.
    pub(crate) fn new(scorer: &'a Scorer<'a>, pool: &'a Pool, project: usize, km: &[f64]) -> Tab<'a> {
        let p = &scorer.term.projects[project];
        let pp = &scorer.prepared.projects[project];
        let rules = &scorer.weights.rules;
        let n_w = p.industries.len();
        let mut ind = Vec::with_capacity(pool.codes.len() * n_w);
        for o in &pool.codes {
            for w in &p.industries {
                ind.push((w.similarity(o), w.covers(o) || o.covers(w)));
            }
        }
        let mut sk_mask = vec![0u64; pool.vocab];
        for (i, want) in pp.skills.iter().enumerate() {
            for &(id, _) in &want.matches {
                if let Some(m) = sk_mask.get_mut(id as usize) {
                    *m |= 1 << i;
                }
            }
        }
        let mut loc = Vec::with_capacity(pool.locs.len() * 2);
        debug_assert_eq!(km.len(), pool.locs.len());
        for (&(_, _, tz), &km) in pool.locs.iter().zip(km) {
            let in_person = if p.max_km > 0.0 {
                (1.0 - km / (2.0 * p.max_km)).clamp(0.0, 1.0)
            } else if km < 1.0 {
                1.0
            } else {
                0.0
            };
            let in_person_pass = km <= p.max_km;
            loc.push((in_person, in_person_pass));
            if !p.remote {
                loc.push((in_person, in_person_pass));
                continue;
            }
            let diff = pp.offset_at(tz) - pp.own_offset;
            let overlap = overlap_hours(diff, rules.workday_hours);
            let remote_value = overlap / rules.workday_hours;
            let remote_pass = overlap >= rules.min_overlap_hours;
            if remote_value > in_person || (remote_value == in_person && !in_person_pass) {
                loc.push((remote_value, remote_pass || in_person_pass));
            } else {
                loc.push((in_person, remote_pass || in_person_pass));
            }
        }
        let size = [0i32, 1, 2, 3].map(|band| match p.size.index() {
            None => (1.0, true),
            Some(w) => {
                let d = (w - band).abs();
                ([1.0, 0.5, 0.2, 0.0][d as usize], d == 0)
            }
        });
        let referral = match scorer.referrals {
            None => Referral::NoGraph,
            Some(r) if !r.institution_in_graph(&p.institution) => Referral::NotInGraph,
            Some(r) => {
                let i = r.institution(&p.institution).expect("in the graph");
                Referral::At(i, pool.referral_max.get(&i))
            }
        };
        Tab {
            scorer,
            pool,
            p,
            pp,
            n_w,
            ind,
            sk_mask,
            loc,
            size,
            fw: p.framework as usize,
            start: day(p.start),
            end: day(p.end()),
            total_days: (p.end() - p.start).num_days() + 1,
            referral,
            must: p.must.iter().fold(0u16, |m, d| m | 1 << d.index()),
        }
    }

    fn industry(&self, codes: &[u32]) -> (f64, bool) {
        if self.n_w == 0 {
            return (1.0, true);
        }
        let mut total = 0.0;
        let mut pass = false;
        for w in 0..self.n_w {
            let mut b = 0.0;
            for &c in codes {
                let (s, cov) = self.ind[c as usize * self.n_w + w];
                pass |= cov;
                if s > b {
                    b = s;
                }
            }
            total += b;
        }
        (total / self.n_w as f64, pass)
    }

    /// Skills value and pass, and the number of partner skills the project exercises.
    fn skills(&self, skills: &[u32], best: &mut [f64; 64]) -> (f64, bool, usize) {
        let n = self.pp.skills.len();
        let mut exercised = 0;
        best[..n].fill(0.0);
        for &s in skills {
            let m = self.sk_mask.get(s as usize).copied().unwrap_or(0);
            if m == 0 {
                continue;
            }
            exercised += 1;
            let mut mm = m;
            while mm != 0 {
                let i = mm.trailing_zeros() as usize;
                mm &= mm - 1;
                let credit = self.pp.skills[i].matches.iter().find(|(id, _)| *id == s).map_or(0.0, |x| x.1);
                if credit > best[i] {
                    best[i] = credit;
                }
            }
        }
        if n == 0 {
            return (1.0, true, exercised);
        }
        let mut got = 0.0;
        let mut covered = 0;
        for (want, &b) in self.pp.skills.iter().zip(best.iter()) {
            if b > 0.0 {
                covered += 1;
                got += want.weight * b;
            }
        }
        ((got / self.pp.skill_weight).clamp(0.0, 1.0), covered == n, exercised)
    }

    fn commitment(&self, hours: f64, contacts: u8) -> (f64, bool) {
        let p = self.p;
        let h = if p.mentor_hours <= 0.0 { 1.0 } else { (hours / p.mentor_hours).min(1.0) };
        let redundancy = 0.7 + 0.1 * f64::from(contacts);
        ((h * redundancy).clamp(0.0, 1.0), hours >= p.mentor_hours)
    }

    fn level(&self, level: u8) -> f64 {
        let level_gap = (self.p.framework.demands() as i32 - i32::from(level)).max(0);
        [1.0, 0.6, 0.3][level_gap as usize]
    }

    fn framework(&self, offer: Offer, level: u8) -> (f64, bool, f64) {
        if offer.rank == NO_RANK {
            return (0.0, false, 0.0);
        }
        let weeks = self.p.weeks;
        let gap = if weeks < offer.min_weeks { offer.min_weeks - weeks } else { weeks.saturating_sub(offer.max_weeks) };
        let duration = (1.0 - f64::from(gap) / f64::from(weeks.max(1))).max(0.0);
        let appeal = (1.0 - 0.25 * offer.rank as f64).max(0.25);
        (duration * self.level(level), gap == 0, appeal)
    }

    fn schedule(&self, from: i32, to: i32) -> (f64, bool) {
        let (from, to) = (from.max(self.start), to.min(self.end));
        let covered = if to >= from { i64::from(to) - i64::from(from) + 1 } else { 0 };
        (covered as f64 / self.total_days as f64, covered == self.total_days)
    }

    fn load(&self, hours: f64) -> f64 {
        let p = self.p;
        if hours <= 0.0 {
            if p.mentor_hours <= 0.0 { 1.0 } else { 0.0 }
        } else {
            (1.0 - p.mentor_hours / (2.0 * hours)).clamp(0.0, 1.0)
        }
    }

    fn referral(&self, partner: usize) -> (f64, bool) {
        match self.referral {
            Referral::NoGraph => (0.0, true),
            Referral::NotInGraph => (0.0, false),
            Referral::At(i, _) => {
                let c = self.scorer.referrals.expect("a graph").closeness_at(i, partner);
                (c, c > 0.0)
            }
        }
    }

    /// Whether the pair at scan position `pos` passes dimension `dim` as a hard constraint.
    fn passes(&self, dim: Dimension, pos: usize, best: &mut [f64; 64]) -> bool {
        let pool = self.pool;
        match dim {
            Dimension::Industry => {
                self.industry(&pool.ind[pool.ind_start[pos] as usize..pool.ind_start[pos + 1] as usize]).1
            }
            Dimension::Skills => {
                self.skills(&pool.sk[pool.sk_start[pos] as usize..pool.sk_start[pos + 1] as usize], best).1
            }
            Dimension::Size => self.size[pool.band[pos] as usize].1,
            Dimension::Location => self.loc[pool.loc[pos] as usize].1,
            Dimension::Commitment => self.commitment(pool.hours[pos], pool.contacts[pos]).1,
            Dimension::Framework => self.framework(pool.offers[pos][self.fw], pool.level[pos]).1,
            Dimension::Schedule => self.schedule(pool.from[pos], pool.to[pos]).1,
            Dimension::Ip => pool.ip[pos] & (1 << (self.p.ip as u8)) != 0,
            Dimension::Referral => self.referral(pool.order[pos] as usize).1,
        }
    }

    /// Feasible counterparts, exclusion counts (indexed like `Exclusion::all`), and for projects
    /// with `must` dimensions whether each block has a feasible partner.
    pub(crate) fn counts(&self) -> (usize, [usize; 16], Option<Vec<bool>>) {
        let pool = self.pool;
        let n = pool.order.len();
        let mut excluded = [0usize; 16];
        if self.must == 0 {
            excluded[Dimension::COUNT] = pool.partner_only.0;
            excluded[Dimension::COUNT + 1] = pool.partner_only.1;
            return (n - pool.partner_only.2, excluded, None);
        }
        // One pass per `must` dimension (tight loops for the column lookups), then one to count.
        let mut best = [0.0; 64];
        let mut fails = vec![0u16; n];
        for dim in Dimension::ALL {
            let bit = 1u16 << dim.index();
            if self.must & bit == 0 {
                continue;
            }
            match dim {
                Dimension::Location => {
                    for (f, &l) in fails.iter_mut().zip(&pool.loc) {
                        *f |= if self.loc[l as usize].1 { 0 } else { bit };
                    }
                }
                Dimension::Ip => {
                    let m = 1u8 << (self.p.ip as u8);
                    for (f, &ip) in fails.iter_mut().zip(&pool.ip) {
                        *f |= if ip & m != 0 { 0 } else { bit };
                    }
                }
                Dimension::Framework => {
                    let weeks = self.p.weeks;
                    for (f, o) in fails.iter_mut().zip(&pool.offers) {
                        let o = o[self.fw];
                        let pass = o.rank != NO_RANK && weeks >= o.min_weeks && weeks <= o.max_weeks;
                        *f |= if pass { 0 } else { bit };
                    }
                }
                _ => {
                    for (pos, f) in fails.iter_mut().enumerate() {
                        if !self.passes(dim, pos, &mut best) {
                            *f |= bit;
                        }
                    }
                }
            }
        }
        let mut feasible = 0;
        let mut open = vec![false; pool.blocks.len()];
        for (pos, (&f, &x)) in fails.iter().zip(&pool.excl).enumerate() {
            let ex = f | x;
            if ex == 0 {
                feasible += 1;
                open[pos / BLOCK] = true;
                continue;
            }
            for (d, slot) in excluded.iter_mut().enumerate().take(Dimension::COUNT) {
                *slot += usize::from(ex & (1 << d) != 0);
            }
            excluded[Dimension::COUNT] += usize::from(ex & DECLINED != 0);
            excluded[Dimension::COUNT + 1] += usize::from(ex & NO_CAPACITY != 0);
        }
        (feasible, excluded, Some(open))
    }

    /// The mutual score of the pair at scan position `pos`, or `None` when it is excluded or its
    /// score is certainly below `floor` (an upper bound with the skills at their best is).
    pub(crate) fn score(&self, pos: usize, best: &mut [f64; 64], floor: f64) -> Option<f64> {
        let pool = self.pool;
        if pool.excl[pos] != 0 {
            return None;
        }
        let (industry, industry_pass) =
            self.industry(&pool.ind[pool.ind_start[pos] as usize..pool.ind_start[pos + 1] as usize]);
        let qskills = &pool.sk[pool.sk_start[pos] as usize..pool.sk_start[pos + 1] as usize];
        let (size, size_pass) = self.size[pool.band[pos] as usize];
        let (location, location_pass) = self.loc[pool.loc[pos] as usize];
        let hours = pool.hours[pos];
        let (commitment, commitment_pass) = self.commitment(hours, pool.contacts[pos]);
        let (framework, framework_pass, fw_appeal) = self.framework(pool.offers[pos][self.fw], pool.level[pos]);
        let (schedule, schedule_pass) = self.schedule(pool.from[pos], pool.to[pos]);
        let ip_pass = pool.ip[pos] & (1 << (self.p.ip as u8)) != 0;
        let (referral, referral_pass) = self.referral(pool.order[pos] as usize);
        let ip = if ip_pass { 1.0 } else { 0.0 };
        let load = self.load(hours);
        if floor > f64::NEG_INFINITY {
            let relevance = if qskills.is_empty() { 0.5 } else { 1.0 };
            let values = [industry, 1.0, size, location, commitment, framework, schedule, ip, referral];
            if self.scorer.combine(&values, &[industry, relevance, load, fw_appeal]).0 < floor {
                return None;
            }
        }
        let (skills, skills_pass, exercised) = self.skills(qskills, best);
        if self.must != 0 {
            let passes = [
                industry_pass,
                skills_pass,
                size_pass,
                location_pass,
                commitment_pass,
                framework_pass,
                schedule_pass,
                ip_pass,
                referral_pass,
            ];
            let fails = passes.iter().enumerate().fold(0u16, |m, (d, ok)| if *ok { m } else { m | 1 << d });
            if fails & self.must != 0 {
                return None;
            }
        }
        let values = [industry, skills, size, location, commitment, framework, schedule, ip, referral];
        let relevance =
            if qskills.is_empty() { 0.5 } else { (exercised as f64 / qskills.len().min(3) as f64).min(1.0) };
        let appeal = [industry, relevance, load, fw_appeal];
        Some(self.scorer.combine(&values, &appeal).0)
    }

    /// An upper bound of the mutual score of every pair in block `b`.
    pub(crate) fn bound(&self, b: usize, best: &mut [f64; 64]) -> f64 {
        let pool = self.pool;
        let blk = &pool.blocks[b];
        let (industry, _) = self.industry(&pool.blk_codes[blk.codes.0 as usize..blk.codes.1 as usize]);
        let union = &pool.blk_skills[blk.skills.0 as usize..blk.skills.1 as usize];
        let (skills, _, exercised) = self.skills(union, best);
        let relevance = if exercised > 0 {
            1.0
        } else if blk.empty_skills {
            0.5
        } else {
            0.0
        };
        let size = (0..4).filter(|band| blk.bands & (1 << band) != 0).map(|band| self.size[band].0).fold(0.0, f64::max);
        let location = pool.blk_locs[blk.locs.0 as usize..blk.locs.1 as usize]
            .iter()
            .map(|&l| self.loc[l as usize].0)
            .fold(0.0, f64::max);
        let (commitment, _) = self.commitment(blk.max_hours, blk.max_contacts);
        let rank = blk.fw_rank[self.fw];
        let (framework, fw_appeal) = if rank == NO_RANK {
            (0.0, 0.0)
        } else {
            (self.level(blk.max_level), (1.0 - 0.25 * rank as f64).max(0.25))
        };
        let (schedule, _) = self.schedule(blk.min_from, blk.max_to);
        let ip = if blk.ip & (1 << (self.p.ip as u8)) != 0 { 1.0 } else { 0.0 };
        let referral = match self.referral {
            Referral::NoGraph | Referral::NotInGraph => 0.0,
            Referral::At(_, Some(maxima)) => f64::from(maxima[b]),
            Referral::At(_, None) => 1.0,
        };
        let values = [industry, skills, size, location, commitment, framework, schedule, ip, referral];
        let appeal = [industry, relevance, self.load(blk.max_hours), fw_appeal];
        self.scorer.combine(&values, &appeal).0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_keys_sort_as_the_first_four_digits() {
        let codes = ["11", "31", "311", "3111", "311111", "312", "32", "5415", "541511", "92"];
        let keys: Vec<u32> = codes.iter().map(|c| group_key(IndustryCode::parse(c).unwrap())).collect();
        let strings: Vec<String> = codes.iter().map(|c| c.chars().take(4).collect()).collect();
        for (i, j) in (0..codes.len()).flat_map(|i| (0..codes.len()).map(move |j| (i, j))) {
            assert_eq!(keys[i].cmp(&keys[j]), strings[i].cmp(&strings[j]), "{} {}", codes[i], codes[j]);
        }
    }
}
