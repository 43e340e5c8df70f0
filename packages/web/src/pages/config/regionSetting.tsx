import { useEffect, useState, type CSSProperties, type ReactElement, type ReactNode } from 'react';
import { Alert, App, Button, Form, Space, Typography, type FormInstance } from 'antd';
import { SaveOutlined, UndoOutlined } from '@ant-design/icons';
import { api, ApiError, errorMessage } from '../../api/client';
import { useMe } from '../../app/session';
import { useAsync } from '../../app/useAsync';
import { ErrorBox } from '../../components/ErrorBox';
import { Loading } from '../../components/Loading';
import { regionWide } from './regionWide';

/** The server's problems with a setting as it names them in `fields` (rule.0, rule.1 …), each once; else its message. */
export function fieldProblems(e: unknown): string[] {
  const all = e instanceof ApiError && e.fields ? [...new Set(Object.values(e.fields))] : [];
  return all.length > 1 ? all : [errorMessage(e)];
}

interface RegionSettingOptions<T, V> {
  /** Where the setting is read (GET) and written (PUT). */
  path: string;
  toForm: (setting: T) => V;
  toBody: (values: V) => unknown;
  /** The message shown once it is saved. */
  savedMessage: string;
  /**
   * The page's own reading of a refused save: what to list above the form. It may also put
   * messages on the form's fields itself.
   */
  problemsOf: (error: unknown, form: FormInstance<V>, values: V) => string[];
}

/**
 * A region-wide setting (the server's requireRegionWide): loaded once, edited in a form by the city
 * bureau, read-only to everyone else with config.write. The saved value replaces the loaded one and
 * goes back into the form; a refused save lists the page's problems until the form changes again.
 */
export function useRegionSetting<T, V>({ path, toForm, toBody, savedMessage, problemsOf }: RegionSettingOptions<T, V>) {
  const { message } = App.useApp();
  const editable = regionWide(useMe(), 'config.write');
  const { data, error, loading, reload } = useAsync((signal) => api.get<T>(path, undefined, { signal }), [path]);
  const [saved, setSaved] = useState<T | null>(null);
  const setting = saved ?? data;
  const [form] = Form.useForm<V>();
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<string[]>([]);

  useEffect(() => {
    if (setting) form.setFieldsValue(toForm(setting) as Parameters<FormInstance<V>['setFieldsValue']>[0]);
  }, [setting, form, toForm]);

  async function save(v: V) {
    setBusy(true);
    setProblems([]);
    try {
      setSaved(await api.put<T>(path, toBody(v)));
      void message.success(savedMessage);
    } catch (e) {
      setProblems(problemsOf(e, form, v));
    } finally {
      setBusy(false);
    }
  }

  /** What the page shows while it has no setting: loading, or the error with a retry. */
  const fallback: ReactElement = loading ? <Loading /> : <ErrorBox error={error} onRetry={reload} />;

  return {
    setting,
    fallback,
    editable,
    form,
    busy,
    problems,
    clearProblems: () => setProblems([]),
    /** The props every setting's form takes. */
    formProps: {
      form,
      onFinish: (v: V) => void save(v),
      onValuesChange: () => setProblems([]),
      initialValues: setting ? toForm(setting) : undefined,
      disabled: busy || !editable,
    },
  };
}

/** The frame of a setting's page: title, hint, and the note for callers who may only read it. */
export function RegionSettingPage({
  title,
  hint,
  readOnlyNote,
  editable,
  maxWidth,
  testId,
  readOnlyTestId,
  children,
}: {
  title: string;
  hint: string;
  readOnlyNote: string;
  editable: boolean;
  maxWidth?: number;
  testId: string;
  readOnlyTestId: string;
  children: ReactNode;
}) {
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%', maxWidth }} data-testid={testId}>
      <h1 className="xy-page-title" style={{ margin: 0 }}>
        {title}
      </h1>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {hint}
      </Typography.Paragraph>
      {!editable && <Alert type="info" showIcon title={readOnlyNote} data-testid={readOnlyTestId} />}
      {children}
    </Space>
  );
}

/** The problems of a refused save: the first as the title, the others listed under it. */
export function ProblemsAlert({ problems, style, testId }: { problems: string[]; style?: CSSProperties; testId: string }) {
  if (problems.length === 0) return null;
  return (
    <Alert
      type="error"
      showIcon
      title={problems[0]}
      description={
        problems.length > 1 ? (
          <ul style={{ margin: 0, paddingInlineStart: 18 }}>
            {problems.slice(1).map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        ) : undefined
      }
      style={style}
      data-testid={testId}
    />
  );
}

/** 恢复默认 and 保存 of a setting's form (`${testIdPrefix}-defaults`, `${testIdPrefix}-save`). */
export function SettingButtons({
  onDefaults,
  defaultsLabel,
  saveLabel,
  busy,
  testIdPrefix,
  style,
}: {
  onDefaults: () => void;
  defaultsLabel: string;
  saveLabel: string;
  busy: boolean;
  testIdPrefix: string;
  style?: CSSProperties;
}) {
  return (
    <Space style={style}>
      <Button icon={<UndoOutlined />} onClick={onDefaults} data-testid={`${testIdPrefix}-defaults`}>
        {defaultsLabel}
      </Button>
      <Button type="primary" htmlType="submit" icon={<SaveOutlined />} loading={busy} data-testid={`${testIdPrefix}-save`}>
        {saveLabel}
      </Button>
    </Space>
  );
}
