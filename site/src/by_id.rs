//! A small map by id: what a page keeps per row (a question asked, an action under way, an open
//! panel), a few dozen entries at most, in the order they were added. Each `BTreeMap` value type
//! adds kilobytes of wasm (its nodes' insert, remove, rebalance and clone); this adds a few
//! hundred bytes (issue 31: room for programmes on dates and groups under the size budget).

/// Entries by id; each id at most once.
#[derive(Debug, Clone, PartialEq)]
pub struct ById<V>(Vec<(String, V)>);

impl<V> Default for ById<V> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<V> ById<V> {
    pub fn new() -> Self {
        Self::default()
    }

    fn position(&self, id: &str) -> Option<usize> {
        self.0.iter().position(|(of, _)| of == id)
    }

    pub fn get(&self, id: &str) -> Option<&V> {
        self.0.iter().find(|(of, _)| of == id).map(|(_, v)| v)
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut V> {
        self.0.iter_mut().find(|(of, _)| of == id).map(|(_, v)| v)
    }

    pub fn contains_key(&self, id: &str) -> bool {
        self.position(id).is_some()
    }

    /// Sets the id's value (in its place, if it had one).
    pub fn insert(&mut self, id: String, value: V) {
        match self.get_mut(&id) {
            Some(slot) => *slot = value,
            None => self.0.push((id, value)),
        }
    }

    pub fn remove(&mut self, id: &str) -> Option<V> {
        let at = self.position(id)?;
        Some(self.0.remove(at).1)
    }

    /// The id's value, made with `Default` first if it had none.
    pub fn or_default(&mut self, id: String) -> &mut V
    where
        V: Default,
    {
        let at = match self.position(&id) {
            Some(at) => at,
            None => {
                self.0.push((id, V::default()));
                self.0.len() - 1
            }
        };
        &mut self.0[at].1
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The ids, in the order they were added.
    pub fn ids(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(id, _)| id)
    }
}

/// `map["id"]`: the id's value; panics when it has none (as a `BTreeMap` does).
impl<V> std::ops::Index<&str> for ById<V> {
    type Output = V;

    fn index(&self, id: &str) -> &V {
        self.get(id).expect("no entry for this id")
    }
}

impl<V> FromIterator<(String, V)> for ById<V> {
    fn from_iter<I: IntoIterator<Item = (String, V)>>(entries: I) -> Self {
        let mut map = Self::new();
        for (id, value) in entries {
            map.insert(id, value);
        }
        map
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_id_is_kept_once_in_the_order_it_came() {
        let mut map: ById<u32> = [("b".to_owned(), 1), ("a".to_owned(), 2)]
            .into_iter()
            .collect();
        map.insert("b".into(), 3);
        assert_eq!(map.ids().collect::<Vec<_>>(), ["b", "a"]);
        assert_eq!(map.get("b"), Some(&3));
        *map.or_default("c".into()) += 5;
        assert_eq!(map.get("c"), Some(&5));
        assert_eq!(map.remove("a"), Some(2));
        assert!(!map.contains_key("a") && map.len() == 2);
        map.clear();
        assert!(map.is_empty());
    }
}
