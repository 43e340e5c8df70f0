/**
 * Coalesces many small statements of the same kind into one. Under load every statement pays
 * the same fixed price (a round trip, a pool checkout, the executor's start, a commit); a few
 * hundred students pressing 提交 in the same second pay it once per batch instead of once each.
 *
 * A batch leaves as soon as a slot is free, so a lone request waits for nothing but the next turn
 * of the event loop; only while every slot is busy do requests queue, and then the whole queue
 * leaves together in the next batch.
 */
export interface BatcherOptions {
  /** batches in flight at once (each holds one pooled connection while it runs) */
  concurrency: number;
  /** the most items in one batch */
  maxBatch: number;
}

interface Waiting<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (reason: unknown) => void;
}

/**
 * `run` gets the items of a batch and returns one result per item, in order; an `Error` in place
 * of a result rejects that item alone. A rejected `run` rejects the whole batch.
 */
export class Batcher<I, O> {
  private queue: Waiting<I, O>[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly run: (items: I[]) => Promise<(O | Error)[]>,
    private readonly opts: BatcherOptions,
  ) {}

  load(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.opts.concurrency || !this.queue.length) return;
    this.scheduled = true;
    // the requests parsed in the same turn of the event loop go out together
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.inFlight < this.opts.concurrency && this.queue.length) {
      const batch = this.queue.splice(0, this.opts.maxBatch);
      this.inFlight++;
      this.run(batch.map((w) => w.item))
        .then(
          (results) => {
            batch.forEach((w, i) => {
              const r = results[i];
              if (r instanceof Error) w.reject(r);
              else if (i >= results.length) w.reject(new Error('batch returned fewer results than items'));
              else w.resolve(r as O);
            });
          },
          (e: unknown) => {
            for (const w of batch) w.reject(e);
          },
        )
        .finally(() => {
          this.inFlight--;
          this.schedule();
        });
    }
  }
}

const batchersByDb = new WeakMap<object, Map<string, Batcher<unknown, unknown>>>();

/** The batcher named `name` for this database handle (made on first use; one per app's database). */
export function batcherFor<I, O>(db: object, name: string, make: () => Batcher<I, O>): Batcher<I, O> {
  let byName = batchersByDb.get(db);
  if (!byName) batchersByDb.set(db, (byName = new Map()));
  let found = byName.get(name) as Batcher<I, O> | undefined;
  if (!found) {
    found = make();
    byName.set(name, found as Batcher<unknown, unknown>);
  }
  return found;
}
