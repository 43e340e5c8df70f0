import { App } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, errorMessage } from '../../api/client';
import type { MyMeetingTask } from '../../api/boardTypes';
import type { Items } from '../../api/types';
import { useSendOnce } from '../../app/useSendOnce';

/** The meeting tasks given to the caller (open ones first, then those done lately). */
export const loadMyMeetingTasks = (signal: AbortSignal) => api.get<Items<MyMeetingTask>>('/my/meeting-tasks', undefined, { signal });

/**
 * Marks a meeting task done: busy until the answer comes back, and a second call while one is on
 * its way sends nothing, so a double click or tap marks it once.
 */
export function useMarkTaskDone(taskId: string, onDone: () => void): { busy: boolean; markDone: () => void } {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { busy, send } = useSendOnce();
  const markDone = () =>
    void send(
      async () => {
        await api.post(`/care/meetings/tasks/${taskId}/done`, { note: '' });
        void message.success(t('warning.meeting.task.marked'));
        onDone();
      },
      // a toast rather than a line on the page
      (e) => {
        void message.error(errorMessage(e));
        return null;
      },
    );
  return { busy, markDone };
}
