import type { ReactNode } from 'react';
import { Card } from 'antd';
import { EditOutlined, HeartFilled, MessageOutlined, RightOutlined, SafetyOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { hasRole, useMe } from '../../app/session';
import './screening/screening.css';

/** A card on the phone home page that opens one of its pages. */
export function HomeLink({ to, icon, title, sub, testId }: { to: string; icon: ReactNode; title: string; sub: string; testId: string }) {
  return (
    <Card size="small" styles={{ body: { padding: 0 } }}>
      <Link to={to} className="xy-task-row" style={{ border: 0 }} data-testid={testId}>
        <span className="xy-task-name" style={{ display: 'flex', alignItems: 'center', gap: 10 }}>
          {icon}
          <span>
            {title}
            <span className="xy-task-sub">{sub}</span>
          </span>
        </span>
        <span className="xy-task-state">
          <RightOutlined />
        </span>
      </Link>
    </Card>
  );
}

/** 我需要帮助 on a student's home page. */
export function HelpHomeCard() {
  const { t } = useTranslation();
  return <HomeLink to="/m/help" icon={<HeartFilled style={{ fontSize: 22, color: '#eb2f96' }} />} title={t('warning.help.home')} sub={t('warning.help.homeSub')} testId="home-help" />;
}

/** 反映孩子情况 on a parent's (or a care teacher's) home page. */
export function ReportHomeCard() {
  const { t } = useTranslation();
  const parent = hasRole(useMe(), 'parent');
  return (
    <HomeLink
      to="/m/report"
      icon={<MessageOutlined style={{ fontSize: 22, color: '#1677ff' }} />}
      title={parent ? t('warning.report.homeParent') : t('warning.report.homeStaff')}
      sub={parent ? t('warning.report.homeParentSub') : t('warning.report.homeStaffSub')}
      testId="home-report"
    />
  );
}

/** 心理委员日报 on a committee member's home page. */
export function CommitteeHomeCard() {
  const { t } = useTranslation();
  return <HomeLink to="/m/committee" icon={<EditOutlined style={{ fontSize: 22, color: '#52c41a' }} />} title={t('committee.home')} sub={t('committee.homeSub')} testId="home-committee" />;
}

/** 我包保的学生 on a care teacher's home page. */
export function CareHomeCard() {
  const { t } = useTranslation();
  return <HomeLink to="/m/care" icon={<SafetyOutlined style={{ fontSize: 22, color: '#fa8c16' }} />} title={t('care.mobileTitle')} sub={t('care.homeSub')} testId="home-care" />;
}
