// A least-recently-used map for the memory store's keys. A Map alone (delete + set on every use)
// churns its hash table and showed up as a fifth of the profile at 100k keys; a doubly linked list
// through the entries makes "move to most recent" a few pointer writes.

interface Node<V> {
  key: string;
  value: V;
  older: Node<V> | null;
  newer: Node<V> | null;
}

/** A map bounded to `capacity` entries that forgets the least recently used one first. */
export class LruMap<V> {
  private readonly nodes = new Map<string, Node<V>>();
  private oldest: Node<V> | null = null;
  private newest: Node<V> | null = null;

  constructor(private readonly capacity: number) {}

  /** The value without refreshing its place. */
  peek(key: string): V | undefined {
    return this.nodes.get(key)?.value;
  }

  /** The value for `key`, created with `create` when absent; either way it becomes the most recent. */
  use(key: string, create: () => V): V {
    let node = this.nodes.get(key);
    if (node === undefined) {
      if (this.nodes.size >= this.capacity && this.oldest) this.remove(this.oldest);
      node = { key, value: create(), older: null, newer: null };
      this.nodes.set(key, node);
    } else if (node === this.newest) {
      return node.value;
    } else {
      this.unlink(node);
    }
    node.older = this.newest;
    if (this.newest) this.newest.newer = node;
    this.newest = node;
    if (this.oldest === null) this.oldest = node;
    return node.value;
  }

  clear(): void {
    this.nodes.clear();
    this.oldest = null;
    this.newest = null;
  }

  private remove(node: Node<V>): void {
    this.unlink(node);
    this.nodes.delete(node.key);
  }

  private unlink(node: Node<V>): void {
    if (node.older) node.older.newer = node.newer;
    else this.oldest = node.newer;
    if (node.newer) node.newer.older = node.older;
    else this.newest = node.older;
    node.older = null;
    node.newer = null;
  }
}
