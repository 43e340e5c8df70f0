import { Card, Col, Row, Space, Statistic, Tag, Typography } from 'antd';
import { ApartmentOutlined, AuditOutlined, CloudUploadOutlined, IdcardOutlined, TeamOutlined, UserOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { Permission } from '@xinyu/core';
import { useOrgTree } from '../../app/orgTree';
import { useCan, useMe } from '../../app/session';

export default function HomePage() {
  const { t } = useTranslation();
  const me = useMe();
  const can = useCan();
  const { units } = useOrgTree();
  const canOrg = can('org.read');
  const visibleIds = new Set(units.map((u) => u.id));
  const tops = units.filter((u) => u.parentId === null || !visibleIds.has(u.parentId));
  const students = tops.reduce((s, u) => s + u.studentCount, 0);
  const schools = units.filter((u) => u.kind === 'school' && u.active).length;
  const classes = units.filter((u) => u.kind === 'class' && u.active).length;

  const quick: { to: string; icon: React.ReactNode; label: string; perm: Permission }[] = [
    { to: '/org', icon: <ApartmentOutlined />, label: t('menu.org'), perm: 'org.read' },
    { to: '/students', icon: <TeamOutlined />, label: t('menu.students'), perm: 'student.read' },
    { to: '/staff', icon: <IdcardOutlined />, label: t('menu.staff'), perm: 'staff.read' },
    { to: '/imports', icon: <CloudUploadOutlined />, label: t('menu.imports'), perm: 'roster.import' },
    { to: '/accounts', icon: <UserOutlined />, label: t('menu.accounts'), perm: 'account.manage' },
    { to: '/audit', icon: <AuditOutlined />, label: t('menu.audit'), perm: 'audit.read' },
  ];

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="home-page">
      <h1 className="xy-page-title">{t('home.welcome', { name: me.account.displayName })}</h1>
      <Card title={t('home.roles')} size="small">
        {me.roles.length === 0 ? (
          <Typography.Text type="secondary">{t('app.noRole')}</Typography.Text>
        ) : (
          <Space wrap>
            {me.roles.map((r) => (
              <Tag key={r.id} color="blue" data-testid="role-tag">
                {t(`role.${r.role}`)}
                {r.orgUnitName ? ` · ${r.orgUnitName}` : ''}
                {r.studentName ? ` · ${r.studentName}` : ''}
              </Tag>
            ))}
          </Space>
        )}
      </Card>
      {canOrg && units.length > 0 && (
        <Row gutter={[16, 16]}>
          <Col xs={24} sm={8}>
            <Card size="small">
              <Statistic title={t('org.studentCount')} value={students} />
            </Card>
          </Col>
          <Col xs={12} sm={8}>
            <Card size="small">
              <Statistic title={t('orgKind.school')} value={schools} />
            </Card>
          </Col>
          <Col xs={12} sm={8}>
            <Card size="small">
              <Statistic title={t('orgKind.class')} value={classes} />
            </Card>
          </Col>
        </Row>
      )}
      <Card title={t('home.quick')} size="small">
        <Row gutter={[12, 12]}>
          {quick
            .filter((q) => can(q.perm))
            .map((q) => (
              <Col key={q.to} xs={12} sm={8} md={6} lg={4}>
                <Link to={q.to}>
                  <Card hoverable size="small" style={{ textAlign: 'center' }}>
                    <div style={{ fontSize: 24, color: '#1677ff' }}>{q.icon}</div>
                    <div>{q.label}</div>
                  </Card>
                </Link>
              </Col>
            ))}
        </Row>
      </Card>
    </Space>
  );
}
