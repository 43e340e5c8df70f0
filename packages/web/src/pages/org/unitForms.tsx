import { useEffect, useState } from 'react';
import { App, Form, Input, InputNumber, Modal, Select, Switch } from 'antd';
import { useTranslation } from 'react-i18next';
import { ALLOWED_PARENT, SCHOOL_KINDS, gradeName, type OrgKind } from '@xinyu/core';
import { api, errorMessage, formErrors } from '../../api/client';
import type { CreateOrgUnitBody, OrgUnit, UpdateOrgUnitBody } from '../../api/types';
import { invalidateOrgTree } from '../../app/orgTree';
import { OrgUnitSelect } from '../../components/OrgUnitSelect';

type ChildKind = CreateOrgUnitBody['kind'];
const CHILD_KINDS: ChildKind[] = ['district', 'school', 'grade', 'class'];

/** Which kinds may be created under a parent of this kind (ALLOWED_PARENT from core). */
export function childKinds(parent: OrgKind): ChildKind[] {
  return CHILD_KINDS.filter((k) => ALLOWED_PARENT[k].includes(parent));
}

interface UnitFormValues {
  kind: ChildKind;
  name: string;
  code?: string;
  schoolKind?: OrgUnit['schoolKind'];
  boarding?: boolean;
  gradeLevel?: number;
  active?: boolean;
}

export function UnitFormModal({
  open,
  mode,
  unit,
  onClose,
  onSaved,
}: {
  open: boolean;
  mode: 'create' | 'edit';
  /** parent when creating, the unit itself when editing */
  unit: OrgUnit;
  onClose: () => void;
  onSaved: (u: OrgUnit) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<UnitFormValues>();
  const [busy, setBusy] = useState(false);
  const kinds = mode === 'create' ? childKinds(unit.kind) : [];
  const kind = Form.useWatch('kind', form) ?? (mode === 'edit' ? unit.kind : kinds[0]);
  const gradeLevel = Form.useWatch('gradeLevel', form);

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    if (mode === 'edit') {
      form.setFieldsValue({ name: unit.name, code: unit.code ?? undefined, schoolKind: unit.schoolKind ?? undefined, boarding: unit.boarding });
    } else {
      form.setFieldsValue({ kind: kinds[0], boarding: false });
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, mode, unit.id]);

  async function submit() {
    const v = await form.validateFields();
    setBusy(true);
    try {
      let saved: OrgUnit;
      if (mode === 'create') {
        const body: CreateOrgUnitBody = { parentId: unit.id, kind: v.kind, name: v.name };
        if (v.code) body.code = v.code;
        if (v.kind === 'school') {
          if (v.schoolKind) body.schoolKind = v.schoolKind;
          body.boarding = v.boarding ?? false;
        }
        if (v.kind === 'grade' && v.gradeLevel) body.gradeLevel = v.gradeLevel;
        saved = await api.post<OrgUnit>('/org/units', body);
        void message.success(t('org.created'));
      } else {
        const body: UpdateOrgUnitBody = { name: v.name, code: v.code ? v.code : null };
        if (unit.kind === 'school') {
          if (v.schoolKind) body.schoolKind = v.schoolKind;
          body.boarding = v.boarding ?? false;
        }
        saved = await api.patch<OrgUnit>(`/org/units/${unit.id}`, body);
        void message.success(t('common.saved'));
      }
      invalidateOrgTree();
      onSaved(saved);
    } catch (e) {
      const fe = formErrors(e);
      if (fe.length) form.setFields(fe.map((x) => ({ name: x.name as keyof UnitFormValues, errors: x.errors })));
      else void message.error(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open={open}
      title={mode === 'create' ? `${t('org.addChild')} · ${unit.name}` : `${t('common.edit')} · ${unit.name}`}
      onCancel={onClose}
      onOk={() => void submit().catch(() => undefined)}
      confirmLoading={busy}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'unit-form-ok' }}
    >
      <Form form={form} layout="vertical" data-testid="unit-form">
        {mode === 'create' && (
          <Form.Item name="kind" label={t('org.kind')} rules={[{ required: true }]}>
            <Select options={kinds.map((k) => ({ value: k, label: t(`orgKind.${k}`) }))} />
          </Form.Item>
        )}
        <Form.Item name="name" label={t('org.name')} rules={[{ required: true, whitespace: true, message: t('common.required') }, { max: 60 }]}>
          <Input data-testid="unit-name" />
        </Form.Item>
        <Form.Item name="code" label={t('org.code')} rules={[{ pattern: /^[A-Za-z0-9_-]{1,32}$/, message: 'A-Z a-z 0-9 _ -' }]}>
          <Input />
        </Form.Item>
        {kind === 'school' && (
          <>
            <Form.Item name="schoolKind" label={t('org.schoolKind')} rules={[{ required: mode === 'create' }]}>
              <Select options={SCHOOL_KINDS.map((k) => ({ value: k, label: t(`schoolKind.${k}`) }))} />
            </Form.Item>
            <Form.Item name="boarding" label={t('org.boarding')} valuePropName="checked">
              <Switch />
            </Form.Item>
          </>
        )}
        {mode === 'create' && kind === 'grade' && (
          <Form.Item name="gradeLevel" label={t('org.gradeLevel')} rules={[{ required: true }]} extra={gradeName(gradeLevel ?? 1)}>
            <InputNumber min={1} max={12} />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

export function MoveUnitModal({ open, unit, onClose, onSaved }: { open: boolean; unit: OrgUnit; onClose: () => void; onSaved: (u: OrgUnit) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [parentId, setParentId] = useState<number | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const allowed = ALLOWED_PARENT[unit.kind].filter((k): k is OrgKind => k !== null);
  return (
    <Modal
      open={open}
      title={`${t('org.move')} · ${unit.name}`}
      onCancel={onClose}
      confirmLoading={busy}
      okButtonProps={{ disabled: !parentId }}
      destroyOnHidden
      onOk={() => {
        if (!parentId) return;
        setBusy(true);
        api
          .post<OrgUnit>(`/org/units/${unit.id}/move`, { parentId })
          .then((u) => {
            void message.success(t('org.moved'));
            invalidateOrgTree();
            onSaved(u);
          })
          .catch((e: unknown) => void message.error(errorMessage(e)))
          .finally(() => setBusy(false));
      }}
    >
      <Form layout="vertical">
        <Form.Item label={t('org.moveTo')}>
          <OrgUnitSelect value={parentId} onChange={setParentId} selectableKinds={allowed} maxKind={allowed[allowed.length - 1]} disabledIds={[unit.id, unit.parentId ?? 0]} style={{ width: '100%' }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
