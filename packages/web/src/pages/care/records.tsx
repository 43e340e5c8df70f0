import { useState, type ReactNode } from 'react';
import { Empty, Form, Space, Tag, Timeline, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { applyFormErrors } from '../../app/formErrors';
import { useSendOnce } from '../../app/useSendOnce';
import { uuid } from '../../app/uuid';

/**
 * A care record as both registers keep them (a key student's 成长日记, a staff member's 关爱记录):
 * how (talk, home visit …), when, the mood 1–5, a few topics, and the note.
 */
export interface CareRecordEntry<K extends string, T extends string> {
  id: string;
  kind: K;
  date: string;
  mood: number | null;
  fields: Partial<Record<T, string>>;
  note: string;
  authorName: string;
}

export type RecordValues<K extends string, T extends string> = Partial<Record<T, string>> & { kind: K; date: Dayjs; mood?: number; note: string };
export type RecordBody<K extends string, T extends string> = Partial<Record<T, string>> & { kind: K; date: string; mood?: number; note: string; clientId: string };

/**
 * The form of a new record: the body as the API takes it (empty topics left out), one client id per
 * opened form and one request however often it is submitted; the server's problems go on the
 * fields they name, the rest above the buttons.
 */
export function useRecordForm<K extends string, T extends string>(topics: readonly T[], post: (body: RecordBody<K, T>) => Promise<void>) {
  const [form] = Form.useForm<RecordValues<K, T>>();
  const [clientId] = useState(uuid);
  const { busy, problem, send } = useSendOnce();
  function submit(v: RecordValues<K, T>) {
    const body = { kind: v.kind, date: v.date.format('YYYY-MM-DD'), note: v.note.trim(), clientId } as RecordBody<K, T>;
    if (v.mood) body.mood = v.mood;
    const given = v as Partial<Record<T, string>>;
    const out = body as Partial<Record<T, string>>;
    for (const k of topics) {
      const text = given[k]?.trim();
      if (text) out[k] = text;
    }
    void send(
      () => post(body),
      (e) => applyFormErrors(form, e, ['kind', 'date', 'mood', 'note', ...topics]),
    );
  }
  return { form, busy, problem, onFinish: submit };
}

/** The records, newest first: date, how, mood and who on a line, then the note and the topics written. */
export function RecordTimeline<K extends string, T extends string>({
  records,
  topics,
  kindLabel,
  topicLabel,
  moodText,
  color,
  empty,
  testId,
  entryTestIdPrefix,
}: {
  records: CareRecordEntry<K, T>[];
  topics: readonly T[];
  kindLabel: (kind: K) => string;
  topicLabel: (topic: T) => string;
  moodText: (mood: number) => ReactNode;
  /** the dot's colour by record; antd's own when left out */
  color?: (r: CareRecordEntry<K, T>) => string;
  empty: string;
  testId: string;
  /** each record is `${entryTestIdPrefix}${kind}` */
  entryTestIdPrefix: string;
}) {
  if (!records.length) return <Empty description={empty} image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  return (
    <Timeline
      data-testid={testId}
      items={records.map((r) => ({
        key: r.id,
        ...(color ? { color: color(r) } : {}),
        children: (
          <div data-testid={`${entryTestIdPrefix}${r.kind}`}>
            <Space size={6} wrap>
              <strong>{r.date}</strong>
              <Tag style={{ marginInlineEnd: 0 }}>{kindLabel(r.kind)}</Tag>
              {r.mood !== null && (
                <Tag color={r.mood <= 2 ? 'orange' : 'green'} style={{ marginInlineEnd: 0 }}>
                  {moodText(r.mood)}
                </Tag>
              )}
              <Typography.Text type="secondary">{r.authorName}</Typography.Text>
            </Space>
            <div className="xy-break" style={{ whiteSpace: 'pre-wrap', marginTop: 4 }}>
              {r.note}
            </div>
            {topics
              .filter((k) => r.fields[k])
              .map((k) => (
                <div key={k} className="xy-break" style={{ fontSize: 13, color: '#595959' }}>
                  {topicLabel(k)}：{r.fields[k]}
                </div>
              ))}
          </div>
        ),
      }))}
    />
  );
}
