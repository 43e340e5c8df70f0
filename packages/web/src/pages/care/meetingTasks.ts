import { useRef, useState } from 'react';
import { App } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, errorMessage } from '../../api/client';
import type { MyMeetingTask } from '../../api/boardTypes';
import type { Items } from '../../api/types';

/** The meeting tasks given to the caller (open ones first, then those done lately). */
export const loadMyMeetingTasks = (signal: AbortSignal) => api.get<Items<MyMeetingTask>>('/my/meeting-tasks', undefined, { signal });

/**
 * Marks a meeting task done: busy until the answer comes back, and a second call while one is on
 * its way sends nothing, so a double click or tap marks it once.
 */
export function useMarkTaskDone(taskId: string, onDone: () => void): { busy: boolean; markDone: () => void } {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const sending = useRef(false);
  async function done() {
    if (sending.current) return;
    sending.current = true;
    setBusy(true);
    try {
      await api.post(`/care/meetings/tasks/${taskId}/done`, { note: '' });
      void message.success(t('warning.meeting.task.marked'));
      onDone();
    } catch (e) {
      void message.error(errorMessage(e));
    } finally {
      sending.current = false;
      setBusy(false);
    }
  }
  return { busy, markDone: () => void done() };
}
