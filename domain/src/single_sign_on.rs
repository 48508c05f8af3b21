//! Single sign-on for staff through the organisation's identity provider
//! (OpenID Connect): which groups of the provider give which role and
//! Regions, and which roles may sign in only that way.
//!
//! The role map is configuration, one entry per group, in the order the
//! operator wrote them: `group=role` or, for a coordinator,
//! `group=coordinator:RR` with one or more Region codes joined by `+`
//! (`grp-coord-nord=coordinator:01+03`). The first entry whose group the
//! person has gives the role; when that role is coordinator, every
//! coordinator entry the person matches adds its Regions. Navigators never
//! sign in this way, so no group maps to them.

use crate::account::Role;
use crate::reference::RegionCode;

/// What one group of the identity provider gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupGrant {
    pub group: String,
    pub role: Role,
    pub regions: Vec<RegionCode>,
}

/// The groups that give a role, in the order they were written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoleMap(Vec<GroupGrant>);

/// The role and Regions a person's groups give.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Granted {
    pub role: Role,
    pub regions: Vec<RegionCode>,
}

impl RoleMap {
    /// Reads `group=role[:RR[+RR…]]` entries separated by commas; the error
    /// names the entry and what is wrong with it.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let mut grants: Vec<GroupGrant> = Vec::new();
        for entry in raw.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let (group, target) = entry
                .split_once('=')
                .map(|(g, t)| (g.trim(), t.trim()))
                .filter(|(g, t)| !g.is_empty() && !t.is_empty())
                .ok_or_else(|| format!("entry {entry:?} is not group=role"))?;
            let (role_name, scope) = match target.split_once(':') {
                Some((r, s)) => (r.trim(), Some(s.trim())),
                None => (target, None),
            };
            let role = Role::parse(&role_name.to_ascii_lowercase())
                .ok_or_else(|| format!("entry {entry:?}: unknown role {role_name:?}"))?;
            if role == Role::Navigator {
                return Err(format!(
                    "entry {entry:?}: Navigators do not sign in through the identity provider"
                ));
            }
            let mut regions = Vec::new();
            for code in scope.into_iter().flat_map(|s| s.split('+')).map(str::trim) {
                let code = RegionCode::parse("regions", code).map_err(|_| {
                    format!("entry {entry:?}: {code:?} is not a Region code (01-20)")
                })?;
                if !regions.contains(&code) {
                    regions.push(code);
                }
            }
            match (role, regions.is_empty()) {
                (Role::Coordinator, true) => {
                    return Err(format!(
                        "entry {entry:?}: a coordinator needs Regions (coordinator:12)"
                    ))
                }
                (Role::Coordinator, false) | (_, true) => {}
                (_, false) => {
                    return Err(format!("entry {entry:?}: only coordinators carry Regions"))
                }
            }
            if grants.iter().any(|g| g.group == group) {
                return Err(format!("group {group:?} is mapped twice"));
            }
            grants.push(GroupGrant {
                group: group.to_owned(),
                role,
                regions,
            });
        }
        Ok(Self(grants))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn grants(&self) -> &[GroupGrant] {
        &self.0
    }

    /// What `groups` give: `None` when no group is mapped.
    pub fn grant(&self, groups: &[String]) -> Option<Granted> {
        let has = |g: &GroupGrant| groups.iter().any(|x| x == &g.group);
        let first = self.0.iter().find(|g| has(g))?;
        let mut regions: Vec<RegionCode> = Vec::new();
        if first.role == Role::Coordinator {
            for g in self
                .0
                .iter()
                .filter(|g| g.role == Role::Coordinator && has(g))
            {
                for r in &g.regions {
                    if !regions.contains(r) {
                        regions.push(r.clone());
                    }
                }
            }
            regions.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        }
        Some(Granted {
            role: first.role,
            regions,
        })
    }
}

/// Reads the roles that may sign in only through the identity provider,
/// comma-separated; Navigators never use it.
pub fn parse_sso_only_roles(raw: &str) -> Result<Vec<Role>, String> {
    let mut roles = Vec::new();
    for name in raw.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let role = Role::parse(&name.to_ascii_lowercase())
            .ok_or_else(|| format!("unknown role {name:?}"))?;
        if role == Role::Navigator {
            return Err("Navigators do not sign in through the identity provider".to_owned());
        }
        if !roles.contains(&role) {
            roles.push(role);
        }
    }
    Ok(roles)
}

/// Whether a password may open a session for `role`, given the roles that
/// must sign in through the identity provider.
pub fn password_allowed(role: Role, sso_only: &[Role]) -> bool {
    !sso_only.contains(&role)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| (*n).to_owned()).collect()
    }

    fn codes(granted: &Granted) -> Vec<&str> {
        granted.regions.iter().map(RegionCode::as_str).collect()
    }

    #[test]
    fn groups_give_roles_and_regions_first_entry_first() {
        let map = RoleMap::parse(
            " grp-admin=admin, grp-hr=HR,grp-coord-lazio=coordinator:12,grp-coord-nord=coordinator:01+03 ",
        )
        .unwrap();
        assert_eq!(map.grants().len(), 4);
        let hr = map.grant(&groups(&["other", "grp-hr"])).unwrap();
        assert_eq!(hr.role, Role::Hr);
        assert!(hr.regions.is_empty());
        let both = map.grant(&groups(&["grp-hr", "grp-admin"])).unwrap();
        assert_eq!(both.role, Role::Admin, "the first entry written wins");
        let lazio = map.grant(&groups(&["grp-coord-lazio"])).unwrap();
        assert_eq!((lazio.role, codes(&lazio)), (Role::Coordinator, vec!["12"]));
        let three = map
            .grant(&groups(&["grp-coord-nord", "grp-coord-lazio"]))
            .unwrap();
        assert_eq!(codes(&three), vec!["01", "03", "12"]);
        assert_eq!(map.grant(&groups(&["grp-navigator", "x"])), None);
        assert_eq!(map.grant(&[]), None);
        assert!(RoleMap::parse("").unwrap().is_empty());
    }

    #[test]
    fn a_wrong_map_is_refused_by_entry() {
        for (raw, words) in [
            ("grp-hr", "is not group=role"),
            ("=hr", "is not group=role"),
            ("grp=boss", "unknown role"),
            ("grp=navigator", "Navigators do not sign in"),
            ("grp=coordinator", "needs Regions"),
            ("grp=coordinator:21", "not a Region code"),
            ("grp=coordinator:LAZ", "not a Region code"),
            ("grp=hr:12", "only coordinators carry Regions"),
            ("grp=hr,grp=admin", "mapped twice"),
        ] {
            let e = RoleMap::parse(raw).unwrap_err();
            assert!(e.contains(words), "{raw}: {e}");
        }
    }

    #[test]
    fn sso_only_roles_refuse_the_password() {
        let only = parse_sso_only_roles("hr, Admin,hr").unwrap();
        assert_eq!(only, vec![Role::Hr, Role::Admin]);
        assert!(!password_allowed(Role::Hr, &only));
        assert!(password_allowed(Role::Coordinator, &only));
        assert!(password_allowed(Role::Navigator, &only));
        assert!(parse_sso_only_roles("navigator").is_err());
        assert!(parse_sso_only_roles("boss").is_err());
        assert!(parse_sso_only_roles("").unwrap().is_empty());
    }
}
