use crate::auth::model::{Grant, Role};
use crate::i18n::Msg;
use serde::{Deserialize, Serialize};

/// The root organisation (the installation itself); created by the migrations.
pub const ROOT_ORG_ID: i64 = 1;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OrgKind {
    Root,
    Region,
    District,
    College,
    School,
    Group,
}

impl OrgKind {
    pub const CREATABLE: [OrgKind; 5] = [OrgKind::Region, OrgKind::District, OrgKind::College, OrgKind::School, OrgKind::Group];

    pub fn code(self) -> &'static str {
        match self {
            OrgKind::Root => "root",
            OrgKind::Region => "region",
            OrgKind::District => "district",
            OrgKind::College => "college",
            OrgKind::School => "school",
            OrgKind::Group => "group",
        }
    }
    pub fn from_code(s: &str) -> Option<OrgKind> {
        [OrgKind::Root, OrgKind::Region, OrgKind::District, OrgKind::College, OrgKind::School, OrgKind::Group]
            .into_iter()
            .find(|k| k.code() == s)
    }
    pub fn msg(self) -> Msg {
        match self {
            OrgKind::Root => Msg::KindRoot,
            OrgKind::Region => Msg::KindRegion,
            OrgKind::District => Msg::KindDistrict,
            OrgKind::College => Msg::KindCollege,
            OrgKind::School => Msg::KindSchool,
            OrgKind::Group => Msg::KindGroup,
        }
    }
    /// What may stand directly under an organisation of this kind. Colleges are mostly
    /// regional, schools mostly district ones, but both occur under either.
    pub fn may_contain(self, child: OrgKind) -> bool {
        use OrgKind::*;
        matches!(
            (self, child),
            (Root, Region)
                | (Region, District)
                | (Region, College)
                | (Region, School)
                | (District, College)
                | (District, School)
                | (College, Group)
                | (School, Group)
        )
    }
}

/// One organisation with its place in the tree (depth 0 = the caller's scope roots).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgNode {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub kind: OrgKind,
    pub name: String,
    pub depth: usize,
}

/// A user in the users list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: i64,
    pub login: String,
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub active: bool,
    pub roles: Vec<Role>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserDetail {
    pub user: UserRow,
    pub grants: Vec<Grant>,
}

/// Orders a flat list of organisations into a depth-first tree under the given roots.
pub fn tree_order(nodes: Vec<(i64, Option<i64>, OrgKind, String)>, roots: &[i64]) -> Vec<OrgNode> {
    fn walk(id: i64, depth: usize, all: &[(i64, Option<i64>, OrgKind, String)], out: &mut Vec<OrgNode>) {
        if let Some(n) = all.iter().find(|n| n.0 == id) {
            out.push(OrgNode { id: n.0, parent_id: n.1, kind: n.2, name: n.3.clone(), depth });
            let mut children: Vec<_> = all.iter().filter(|c| c.1 == Some(id)).collect();
            children.sort_by(|a, b| a.3.cmp(&b.3));
            for c in children {
                walk(c.0, depth + 1, all, out);
            }
        }
    }
    let mut out = Vec::new();
    for r in roots {
        if !out.iter().any(|n: &OrgNode| n.id == *r) {
            walk(*r, 0, &nodes, &mut out);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hierarchy_rules() {
        assert!(OrgKind::Root.may_contain(OrgKind::Region));
        assert!(OrgKind::District.may_contain(OrgKind::School));
        assert!(OrgKind::College.may_contain(OrgKind::Group));
        assert!(!OrgKind::Root.may_contain(OrgKind::Group));
        assert!(!OrgKind::Group.may_contain(OrgKind::Group));
        assert!(!OrgKind::School.may_contain(OrgKind::Region));
    }

    #[test]
    fn tree_is_depth_first_and_sorted() {
        let nodes = vec![
            (1, None, OrgKind::Root, "Talap".into()),
            (3, Some(1), OrgKind::Region, "Б".into()),
            (2, Some(1), OrgKind::Region, "А".into()),
            (4, Some(2), OrgKind::District, "А-1".into()),
        ];
        let t = tree_order(nodes, &[1]);
        let names: Vec<_> = t.iter().map(|n| (n.name.as_str(), n.depth)).collect();
        assert_eq!(names, vec![("Talap", 0), ("А", 1), ("А-1", 2), ("Б", 1)]);
    }
}
