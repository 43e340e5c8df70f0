import { useEffect, useState } from 'react';
import { App, Checkbox, Form, Input, Modal, Radio, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { STAFF_POSTS, type StaffPost } from '@xinyu/core';
import { api } from '../api/client';
import type { CreateStaffBody, CreateStaffResult, Staff, UpdateStaffBody } from '../api/types';
import { applyFormErrors } from '../app/formErrors';
import { useOrgTree } from '../app/orgTree';
import { OrgUnitSelect } from './OrgUnitSelect';

interface StaffFormValues {
  schoolId: number;
  name: string;
  gender?: 'male' | 'female';
  phone: string;
  staffNo?: string;
  subject?: string;
  posts: StaffPost[];
  headClassId?: number;
}
const FIELDS = ['schoolId', 'name', 'gender', 'phone', 'staffNo', 'subject', 'posts', 'headClassId'] as const;

/** The API names post errors `posts.2.classId`; the form has one head-teacher class. */
function fieldOf(apiName: string): string | undefined {
  if (/^posts\.\d+\.classId$/.test(apiName)) return 'headClassId';
  if (/^posts(\.\d+(\.post)?)?$/.test(apiName)) return 'posts';
  return apiName;
}

const PHONE_RE = /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/;

/**
 * New staff member (POST /staff): the server opens an account and answers its one-time password,
 * shown once in a result dialog. With `staff`, edits that member (PATCH; school and phone fixed).
 */
export function StaffFormModal({ open, schoolId, staff, onClose, onSaved }: { open: boolean; schoolId?: number; staff?: Staff; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const [form] = Form.useForm<StaffFormValues>();
  const [busy, setBusy] = useState(false);
  const { units } = useOrgTree();
  // a school leader sees one school: start with it
  const schools = units.filter((u) => u.kind === 'school' && u.active);
  const initialSchool = schoolId ?? (schools.length === 1 ? schools[0]!.id : undefined);
  const chosenSchool = Form.useWatch('schoolId', form);
  const posts = Form.useWatch('posts', form) ?? [];

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    if (staff) {
      form.setFieldsValue({
        schoolId: staff.schoolId,
        name: staff.name,
        gender: staff.gender ?? undefined,
        phone: staff.phone,
        staffNo: staff.staffNo ?? undefined,
        subject: staff.subject ?? undefined,
        posts: [...new Set(staff.posts.map((p) => p.post))],
        headClassId: staff.posts.find((p) => p.post === 'head_teacher')?.classId ?? undefined,
      });
    } else {
      form.setFieldsValue({ posts: [], ...(initialSchool ? { schoolId: initialSchool } : {}) });
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, schoolId, staff?.id, form]);

  useEffect(() => {
    if (open && initialSchool && form.getFieldValue('schoolId') === undefined && !form.isFieldTouched('schoolId')) form.setFieldsValue({ schoolId: initialSchool });
  }, [open, initialSchool, form]);

  function showResult(name: string, r: CreateStaffResult) {
    modal.success({
      title: t('staff.resultTitle'),
      width: 460,
      content: (
        <Space orientation="vertical" data-testid="staff-result">
          <Typography.Text>
            {t('staff.name')}: {name}
          </Typography.Text>
          <Typography.Text>
            {t('accounts.username')}: <Typography.Text code copyable data-testid="staff-result-username">{r.username}</Typography.Text>
          </Typography.Text>
          {r.password ? (
            <>
              <Typography.Text type="warning">{t('staff.resultHint')}</Typography.Text>
              <Typography.Text code copyable style={{ fontSize: 18 }} data-testid="staff-result-password">
                {r.password}
              </Typography.Text>
            </>
          ) : (
            <Typography.Text type="secondary">{t('staff.resultExisting')}</Typography.Text>
          )}
        </Space>
      ),
    });
  }

  async function submit() {
    const v = await form.validateFields();
    setBusy(true);
    try {
      const posts = v.posts.map((post) => (post === 'head_teacher' ? { post, classId: v.headClassId ?? null } : { post }));
      if (staff) {
        const patch: UpdateStaffBody = { name: v.name.trim(), gender: v.gender ?? null, posts };
        if (v.staffNo?.trim()) patch.staffNo = v.staffNo.trim();
        if (v.subject?.trim()) patch.subject = v.subject.trim();
        await api.patch<Staff>(`/staff/${staff.id}`, patch);
        void message.success(t('staff.saved'));
        onSaved();
        return;
      }
      const body: CreateStaffBody = {
        schoolId: v.schoolId,
        name: v.name.trim(),
        phone: v.phone.trim(),
        posts,
      };
      if (v.gender) body.gender = v.gender;
      if (v.staffNo?.trim()) body.staffNo = v.staffNo.trim();
      if (v.subject?.trim()) body.subject = v.subject.trim();
      const r = await api.post<CreateStaffResult>('/staff', body);
      onSaved();
      showResult(body.name, r);
    } catch (e) {
      const rest = applyFormErrors(form, e, FIELDS, fieldOf);
      if (rest) void message.error(rest);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open={open}
      title={staff ? t('staff.edit') : t('staff.new')}
      onCancel={onClose}
      onOk={() => void submit().catch(() => undefined)}
      confirmLoading={busy}
      destroyOnHidden
      okText={t('common.save')}
      okButtonProps={{ 'data-testid': 'staff-form-ok' }}
      width={560}
    >
      <Form
        form={form}
        layout="vertical"
        data-testid="staff-form"
        onValuesChange={(changed: Partial<StaffFormValues>) => {
          if ('schoolId' in changed) form.setFieldsValue({ headClassId: undefined });
        }}
      >
        <Form.Item name="schoolId" label={t('staff.school')} rules={[{ required: true, message: t('common.required') }]}>
          <OrgUnitSelect selectableKinds={['school']} maxKind="school" style={{ width: '100%' }} testId="staff-form-school" disabled={!!staff} />
        </Form.Item>
        <div style={{ display: 'flex', gap: 16, flexWrap: 'wrap' }}>
          <Form.Item name="name" label={t('staff.name')} rules={[{ required: true, whitespace: true, message: t('common.required') }]} style={{ flex: '1 1 180px' }}>
            <Input maxLength={30} data-testid="staff-form-name" />
          </Form.Item>
          <Form.Item name="gender" label={t('staff.gender')}>
            <Radio.Group
              options={[
                { value: 'male', label: t('gender.male') },
                { value: 'female', label: t('gender.female') },
              ]}
            />
          </Form.Item>
        </div>
        <div style={{ display: 'flex', gap: 16, flexWrap: 'wrap' }}>
          <Form.Item
            name="phone"
            label={t('staff.phone')}
            rules={[
              { required: true, whitespace: true, message: t('common.required') },
              { validator: async (_r, v?: string) => (!v?.trim() || PHONE_RE.test(v.trim()) ? undefined : Promise.reject(new Error(t('staff.phoneInvalid')))) },
            ]}
            style={{ flex: '1 1 180px' }}
          >
            <Input maxLength={20} inputMode="tel" data-testid="staff-form-phone" disabled={!!staff} />
          </Form.Item>
          <Form.Item name="staffNo" label={t('staff.staffNo')} style={{ flex: '1 1 120px' }}>
            <Input maxLength={32} placeholder={t('staff.staffNoPlaceholder')} />
          </Form.Item>
          <Form.Item name="subject" label={t('staff.subject')} style={{ flex: '1 1 120px' }}>
            <Input maxLength={20} placeholder={t('staff.subjectPlaceholder')} />
          </Form.Item>
        </div>
        <Form.Item name="posts" label={t('staff.posts')} rules={[{ required: true, type: 'array', min: 1, message: t('staff.postsRequired') }]}>
          <Checkbox.Group options={STAFF_POSTS.map((p) => ({ value: p, label: t(`staffPost.${p}`) }))} data-testid="staff-form-posts" />
        </Form.Item>
        {posts.includes('head_teacher') && (
          <Form.Item name="headClassId" label={t('staff.headClass')} rules={[{ required: true, message: t('common.required') }]}>
            <OrgUnitSelect
              selectableKinds={['class']}
              withinId={chosenSchool}
              placeholder={chosenSchool ? undefined : t('staff.selectSchoolFirst')}
              style={{ width: '100%' }}
              testId="staff-form-class"
            />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
