import { useEffect, useState } from 'react';
import { App, DatePicker, Form, Input, InputNumber, Modal, Radio, Select, Switch } from 'antd';
import { useTranslation } from 'react-i18next';
import dayjs, { type Dayjs } from 'dayjs';
import { impliedEnrolmentYear, STUDENT_NO_RE } from '@xinyu/core';
import { api } from '../api/client';
import type { CreateStudentBody, Dormitory, Items, StudentDetail, UpdateStudentBody } from '../api/types';
import { applyFormErrors } from '../app/formErrors';
import { currentSchoolYear, gradeLevelOf, schoolOf, useOrgTree } from '../app/orgTree';
import { useAsync } from '../app/useAsync';
import { OrgUnitSelect } from './OrgUnitSelect';

interface StudentFormValues {
  studentNo: string;
  name: string;
  gender: 'male' | 'female';
  birthDate: Dayjs;
  classId: number;
  enrolmentYear: number;
  boarding: boolean;
  dormitoryId?: number | null;
}
const FIELDS = ['studentNo', 'name', 'gender', 'birthDate', 'classId', 'enrolmentYear', 'boarding', 'dormitoryId'] as const;

/** Enrolment year implied by the class's grade in the current school year (entry grades 1, 7, 10). */
function defaultEnrolmentYear(gradeLevel: number | undefined): number | undefined {
  return gradeLevel === undefined ? undefined : impliedEnrolmentYear(gradeLevel, currentSchoolYear());
}

/**
 * New student (POST /students) or edit (PATCH /students/:id). Creating needs a class and may start
 * with one (a class page); editing covers name, gender, birth date, boarding and dormitory.
 */
export function StudentFormModal({
  open,
  student,
  classId,
  onClose,
  onSaved,
}: {
  open: boolean;
  /** the student being edited; absent when creating */
  student?: StudentDetail;
  /** class chosen in advance when creating */
  classId?: number;
  onClose: () => void;
  onSaved: (s: StudentDetail) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { units } = useOrgTree();
  const [form] = Form.useForm<StudentFormValues>();
  const [busy, setBusy] = useState(false);
  const editing = student !== undefined;
  const chosenClass = Form.useWatch('classId', form);
  const boarding = Form.useWatch('boarding', form) ?? false;
  const schoolId = editing ? student.schoolId : schoolOf(units, chosenClass)?.id;
  const dorms = useAsync(
    (signal) => (schoolId && open ? api.get<Items<Dormitory>>(`/org/units/${schoolId}/dormitories`, undefined, { signal }) : Promise.resolve({ items: [] as Dormitory[] })),
    [schoolId, open],
  );
  const initialDormId = editing ? student.dormitoryId : null;

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    if (student) {
      form.setFieldsValue({ name: student.name, gender: student.gender, birthDate: dayjs(student.birthDate), boarding: student.boarding });
    } else {
      form.setFieldsValue({ boarding: false, ...(classId ? { classId } : {}) });
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, student?.id, classId]);

  // a class chosen in advance: its enrolment year once the org tree is there
  useEffect(() => {
    if (!open || editing || !classId || form.isFieldTouched('enrolmentYear') || form.getFieldValue('enrolmentYear') !== undefined) return;
    const y = defaultEnrolmentYear(gradeLevelOf(units, classId));
    if (y !== undefined) form.setFieldsValue({ enrolmentYear: y });
  }, [open, editing, classId, units, form]);

  useEffect(() => {
    if (open && editing && initialDormId !== null && !form.isFieldTouched('dormitoryId')) form.setFieldsValue({ dormitoryId: initialDormId });
  }, [open, editing, initialDormId, form]);

  async function submit() {
    const v = await form.validateFields();
    setBusy(true);
    try {
      let saved: StudentDetail;
      const dormitoryId = v.boarding ? (v.dormitoryId ?? null) : null;
      if (editing) {
        const body: UpdateStudentBody = { name: v.name.trim(), gender: v.gender, birthDate: v.birthDate.format('YYYY-MM-DD'), boarding: v.boarding };
        if (!v.boarding || dormitoryId !== initialDormId) body.dormitoryId = dormitoryId;
        saved = await api.patch<StudentDetail>(`/students/${student.id}`, body);
        void message.success(t('common.saved'));
      } else {
        const body: CreateStudentBody = {
          studentNo: v.studentNo.trim(),
          name: v.name.trim(),
          gender: v.gender,
          birthDate: v.birthDate.format('YYYY-MM-DD'),
          classId: v.classId,
          enrolmentYear: v.enrolmentYear,
          boarding: v.boarding,
          ...(dormitoryId ? { dormitoryId } : {}),
        };
        saved = await api.post<StudentDetail>('/students', body);
        void message.success(t('student.created'));
      }
      onSaved(saved);
    } catch (e) {
      const rest = applyFormErrors(form, e, FIELDS);
      if (rest) void message.error(rest);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open={open}
      title={editing ? `${t('student.editTitle')} · ${student.name}` : t('student.new')}
      onCancel={onClose}
      onOk={() => void submit().catch(() => undefined)}
      confirmLoading={busy}
      destroyOnHidden
      okText={t('common.save')}
      okButtonProps={{ 'data-testid': 'student-form-ok' }}
      width={560}
    >
      <Form
        form={form}
        layout="vertical"
        data-testid="student-form"
        onValuesChange={(changed: Partial<StudentFormValues>) => {
          if ('classId' in changed) {
            const y = defaultEnrolmentYear(gradeLevelOf(units, changed.classId));
            form.setFieldsValue({ dormitoryId: null, ...(y !== undefined ? { enrolmentYear: y } : {}) });
          }
        }}
      >
        {!editing && (
          <Form.Item
            name="studentNo"
            label={t('student.studentNo')}
            rules={[
              { required: true, whitespace: true, message: t('common.required') },
              { validator: async (_r, v?: string) => (!v?.trim() || STUDENT_NO_RE.test(v.trim()) ? undefined : Promise.reject(new Error(t('student.studentNoRule')))) },
            ]}
          >
            <Input maxLength={32} placeholder={t('student.studentNoRule')} data-testid="student-form-no" />
          </Form.Item>
        )}
        <Form.Item name="name" label={t('student.name')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
          <Input maxLength={30} data-testid="student-form-name" />
        </Form.Item>
        <div style={{ display: 'flex', gap: 16, flexWrap: 'wrap' }}>
          <Form.Item name="gender" label={t('student.gender')} rules={[{ required: true, message: t('common.required') }]}>
            <Radio.Group
              data-testid="student-form-gender"
              options={[
                { value: 'male', label: t('gender.male') },
                { value: 'female', label: t('gender.female') },
              ]}
            />
          </Form.Item>
          <Form.Item name="birthDate" label={t('student.birthDate')} rules={[{ required: true, message: t('common.required') }]}>
            <DatePicker
              format="YYYY-MM-DD"
              disabledDate={(d) => d.isAfter(dayjs()) || d.isBefore(dayjs('1990-01-01'))}
              defaultPickerValue={dayjs().subtract(12, 'year')}
              data-testid="student-form-birth"
              style={{ width: 160 }}
            />
          </Form.Item>
        </div>
        {!editing && (
          <div style={{ display: 'flex', gap: 16, flexWrap: 'wrap' }}>
            <Form.Item name="classId" label={t('student.class')} rules={[{ required: true, message: t('common.required') }]} style={{ flex: '1 1 240px' }}>
              <OrgUnitSelect selectableKinds={['class']} style={{ width: '100%' }} testId="student-form-class" />
            </Form.Item>
            <Form.Item
              name="enrolmentYear"
              label={t('student.enrolmentYear')}
              extra={t('student.enrolmentYearHint')}
              rules={[{ required: true, message: t('common.required') }]}
              style={{ flex: '0 0 160px' }}
            >
              <InputNumber min={2000} max={2100} precision={0} style={{ width: '100%' }} data-testid="student-form-year" />
            </Form.Item>
          </div>
        )}
        <div style={{ display: 'flex', gap: 16, flexWrap: 'wrap' }}>
          <Form.Item name="boarding" label={t('student.boarding')} valuePropName="checked">
            <Switch checkedChildren={t('student.boardingYes')} unCheckedChildren={t('student.boardingNo')} data-testid="student-form-boarding" />
          </Form.Item>
          {boarding && (
            <Form.Item name="dormitoryId" label={t('student.dormitory')} style={{ flex: '1 1 220px' }}>
              <Select<number>
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                disabled={!schoolId}
                loading={dorms.loading}
                placeholder={schoolId ? t('student.dormitoryPlaceholder') : t('student.selectClassFirst')}
                notFoundContent={t('student.noDormitories')}
                options={(dorms.data?.items ?? []).map((d) => ({ value: d.id, label: d.name }))}
                data-testid="student-form-dorm"
              />
            </Form.Item>
          )}
        </div>
      </Form>
    </Modal>
  );
}
