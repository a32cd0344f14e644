//! Items in list order, shared by a catalog and the catalogs patched from it.
//!
//! A live reload that touched a few files (`patch`) makes a new catalog while the browser still
//! shows the old one. Copying 100,000 records or search entries for it would cost more than the
//! reload may take, so the new catalog shares the old one's base (the records as loaded, or left
//! in the index file; the entries as built) and keeps only where each item now is and the few
//! items made anew.

use std::sync::Arc;

/// What a catalog was built or read back with, in its list order then.
pub(crate) trait Base: Send + Sync {
    type Item: Send + Sync;
    /// An item made anew by a patch, shared by the catalogs patched after it.
    type Own: std::ops::Deref<Target = Self::Item> + Clone + Send + Sync;
    fn len(&self) -> usize;
    fn item(&self, i: usize) -> &Self::Item;
}

/// Where an item of a patched catalog is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Place {
    Base(u32),
    Own(u32),
}

pub(crate) struct Layered<B: Base> {
    base: Arc<B>,
    /// After a patch, each item's place in list order; `None` while the list is the base's.
    places: Option<Box<[Place]>>,
    own: Vec<B::Own>,
}

impl<B: Base> std::fmt::Debug for Layered<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Layered")
            .field("len", &self.len())
            .field("own", &self.own.len())
            .finish_non_exhaustive()
    }
}

impl<B: Base> Layered<B> {
    pub(crate) fn new(base: B) -> Self {
        Layered {
            base: Arc::new(base),
            places: None,
            own: Vec::new(),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.places
            .as_ref()
            .map_or_else(|| self.base.len(), |p| p.len())
    }

    pub(crate) fn get(&self, i: usize) -> &B::Item {
        match self.place(i) {
            Place::Base(j) => self.base.item(j as usize),
            Place::Own(k) => &self.own[k as usize],
        }
    }

    pub(crate) fn place(&self, i: usize) -> Place {
        self.places.as_ref().map_or(Place::Base(i as u32), |p| p[i])
    }

    /// The base, when nothing was patched: what an index file is written from.
    pub(crate) fn unpatched(&self) -> Option<&B> {
        self.places.is_none().then_some(&*self.base)
    }

    pub(crate) fn base(&self) -> &B {
        &self.base
    }

    /// The items in a new order: each an item of this one (by its index here) or a new one.
    /// The base is shared, not copied.
    pub(crate) fn rearranged(&self, order: impl Iterator<Item = Item<B::Own>>) -> Self {
        let mut own = Vec::new();
        let places = order
            .map(|item| match item {
                Item::Kept(i) => match self.place(i) {
                    Place::Base(j) => Place::Base(j),
                    Place::Own(k) => {
                        own.push(self.own[k as usize].clone());
                        Place::Own(own.len() as u32 - 1)
                    }
                },
                Item::New(item) => {
                    own.push(item);
                    Place::Own(own.len() as u32 - 1)
                }
            })
            .collect();
        Layered {
            base: Arc::clone(&self.base),
            places: Some(places),
            own,
        }
    }
}

/// An item of a rearranged list.
pub(crate) enum Item<T> {
    /// The item at this index of the list rearranged.
    Kept(usize),
    New(T),
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Base for Vec<String> {
        type Item = String;
        type Own = Arc<String>;
        fn len(&self) -> usize {
            self.len()
        }
        fn item(&self, i: usize) -> &String {
            &self[i]
        }
    }

    fn all(l: &Layered<Vec<String>>) -> Vec<&str> {
        (0..l.len()).map(|i| l.get(i).as_str()).collect()
    }

    #[test]
    fn a_rearranged_list_shares_its_base_and_keeps_new_items_through_later_patches() {
        let base = Layered::new(vec!["a".to_owned(), "b".into(), "c".into()]);
        let once = base.rearranged(
            [
                Item::Kept(2),
                Item::New(Arc::new("x".to_owned())),
                Item::Kept(0),
            ]
            .into_iter(),
        );
        assert_eq!(all(&once), ["c", "x", "a"]);
        assert!(Arc::ptr_eq(&base.base, &once.base));
        assert!(once.unpatched().is_none());
        let twice = once.rearranged(
            [
                Item::Kept(1),
                Item::Kept(2),
                Item::New(Arc::new("y".to_owned())),
            ]
            .into_iter(),
        );
        assert_eq!(all(&twice), ["x", "a", "y"]);
        assert_eq!(twice.own.len(), 2, "the items left out are let go");
        assert_eq!(all(&base), ["a", "b", "c"]);
    }
}
