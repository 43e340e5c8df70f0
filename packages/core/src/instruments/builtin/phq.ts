/**
 * PHQ-9 and GAD-7 (Spitzer, Williams, Kroenke and colleagues, educational grant from Pfizer Inc.).
 * "No permission required to reproduce, translate, display or distribute" (phqscreeners.com).
 * English text as published; Chinese text as in the simplified-Chinese versions published on
 * phqscreeners.com and widely used in mainland China.
 */
import type { AnswerOption, InstrumentDefinition, InstrumentItem } from '../definition.js';

const PFIZER_LICENCE: InstrumentDefinition['licence'] = {
  text: {
    'zh-CN': '由 Robert L. Spitzer、Janet B.W. Williams、Kurt Kroenke 等在辉瑞公司教育经费资助下编制。复制、翻译、展示或分发无需许可。',
    'en-US': 'Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, with an educational grant from Pfizer Inc. No permission required to reproduce, translate, display or distribute.',
  },
  url: 'https://www.phqscreeners.com/',
};

const FREQUENCY: AnswerOption[] = [
  { value: '0', score: 0, label: { 'zh-CN': '完全不会', 'en-US': 'Not at all' } },
  { value: '1', score: 1, label: { 'zh-CN': '好几天', 'en-US': 'Several days' } },
  { value: '2', score: 2, label: { 'zh-CN': '一半以上的天数', 'en-US': 'More than half the days' } },
  { value: '3', score: 3, label: { 'zh-CN': '几乎每天', 'en-US': 'Nearly every day' } },
];

const TWO_WEEKS = {
  'zh-CN': '在过去两个星期，有多少时候您受到以下任何问题所困扰？',
  'en-US': 'Over the last 2 weeks, how often have you been bothered by any of the following problems?',
};

const frequencyItems = (prefix: string, texts: [string, string][]): InstrumentItem[] =>
  texts.map(([zh, en], i) => ({ id: `${prefix}_${i + 1}`, text: { 'zh-CN': zh, 'en-US': en }, options: FREQUENCY }));

export const PHQ9: InstrumentDefinition = {
  id: 'phq-9',
  version: '1.0.0',
  title: { 'zh-CN': '患者健康问卷抑郁量表（PHQ-9）', 'en-US': 'Patient Health Questionnaire (PHQ-9)' },
  description: {
    'zh-CN': '9 个条目的抑郁症状筛查量表，总分 0–27。筛查结果，非诊断。',
    'en-US': 'A 9-item screen for depressive symptoms, total 0–27. A screening result, not a diagnosis.',
  },
  instructions: TWO_WEEKS,
  licence: PFIZER_LICENCE,
  audience: { gradeLevels: [7, 8, 9, 10, 11, 12], minAge: 12 },
  items: [
    ...frequencyItems('phq9', [
      ['做事时提不起劲或没有兴趣', 'Little interest or pleasure in doing things'],
      ['感到心情低落、沮丧或绝望', 'Feeling down, depressed, or hopeless'],
      ['入睡困难、睡不安稳或睡眠过多', 'Trouble falling or staying asleep, or sleeping too much'],
      ['感觉疲倦或没有活力', 'Feeling tired or having little energy'],
      ['食欲不振或吃太多', 'Poor appetite or overeating'],
      ['觉得自己很糟——或觉得自己很失败，或让自己或家人失望', 'Feeling bad about yourself — or that you are a failure or have let yourself or your family down'],
      ['对事物专注有困难，例如阅读报纸或看电视时', 'Trouble concentrating on things, such as reading the newspaper or watching television'],
      [
        '动作或说话速度缓慢到别人已经觉察？或正好相反——烦躁或坐立不安、动来动去的情况更胜于平常',
        'Moving or speaking so slowly that other people could have noticed? Or the opposite — being so fidgety or restless that you have been moving around a lot more than usual',
      ],
      ['有不如死掉或用某种方式伤害自己的念头', 'Thoughts that you would be better off dead or of hurting yourself in some way'],
    ]),
    {
      // Not scored; asked only when a problem was checked off (skip logic).
      id: 'phq9_10',
      text: {
        'zh-CN': '如果您勾选了任何问题，这些问题在您工作、处理家庭事务或与他人相处上造成了多大的困难？',
        'en-US': 'If you checked off any problems, how difficult have these problems made it for you to do your work, take care of things at home, or get along with other people?',
      },
      required: false,
      enableWhen: [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => ({ item: `phq9_${n}`, operator: '>' as const, value: 0 })),
      enableBehavior: 'any',
      options: [
        { value: 'not-difficult', label: { 'zh-CN': '毫无困难', 'en-US': 'Not difficult at all' } },
        { value: 'somewhat', label: { 'zh-CN': '有点困难', 'en-US': 'Somewhat difficult' } },
        { value: 'very', label: { 'zh-CN': '非常困难', 'en-US': 'Very difficult' } },
        { value: 'extremely', label: { 'zh-CN': '极度困难', 'en-US': 'Extremely difficult' } },
      ],
    },
  ],
  scales: [
    {
      id: 'total',
      name: { 'zh-CN': '总分', 'en-US': 'Total score' },
      items: [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => `phq9_${n}`),
      method: 'sum',
      // Kroenke et al. 2001 severity bands; warning levels are Xinyu's (docs/instruments.md).
      bands: [
        { code: 'none', min: 0, level: 'none', label: { 'zh-CN': '无或极轻微', 'en-US': 'None–minimal' } },
        { code: 'mild', min: 5, level: 'none', label: { 'zh-CN': '轻度', 'en-US': 'Mild' } },
        { code: 'moderate', min: 10, level: 'yellow', label: { 'zh-CN': '中度', 'en-US': 'Moderate' } },
        { code: 'moderately_severe', min: 15, level: 'orange', label: { 'zh-CN': '中重度', 'en-US': 'Moderately severe' } },
        { code: 'severe', min: 20, level: 'red', label: { 'zh-CN': '重度', 'en-US': 'Severe' } },
      ],
    },
  ],
  critical: [
    {
      item: 'phq9_9',
      operator: '>',
      value: 0,
      level: 'red',
      label: { 'zh-CN': '第 9 题（自伤或轻生念头）非零', 'en-US': 'Item 9 (thoughts of death or self-harm) above 0' },
    },
  ],
  // Xinyu's data-quality rule, not part of the published instrument: under about 2 s an item is not read
  validity: { minSeconds: 20 },
};

export const GAD7: InstrumentDefinition = {
  id: 'gad-7',
  version: '1.0.0',
  title: { 'zh-CN': '广泛性焦虑量表（GAD-7）', 'en-US': 'Generalized Anxiety Disorder 7-item scale (GAD-7)' },
  description: {
    'zh-CN': '7 个条目的焦虑症状筛查量表，总分 0–21。筛查结果，非诊断。',
    'en-US': 'A 7-item screen for anxiety symptoms, total 0–21. A screening result, not a diagnosis.',
  },
  instructions: TWO_WEEKS,
  licence: PFIZER_LICENCE,
  audience: { gradeLevels: [7, 8, 9, 10, 11, 12], minAge: 12 },
  items: frequencyItems('gad7', [
    ['感觉紧张、焦虑或急切', 'Feeling nervous, anxious, or on edge'],
    ['不能够停止或控制担忧', 'Not being able to stop or control worrying'],
    ['对各种各样的事情担忧过多', 'Worrying too much about different things'],
    ['很难放松下来', 'Trouble relaxing'],
    ['由于不安而无法静坐', 'Being so restless that it is hard to sit still'],
    ['变得容易烦恼或急躁', 'Becoming easily annoyed or irritable'],
    ['感到似乎将有可怕的事情发生而害怕', 'Feeling afraid, as if something awful might happen'],
  ]),
  scales: [
    {
      id: 'total',
      name: { 'zh-CN': '总分', 'en-US': 'Total score' },
      items: [1, 2, 3, 4, 5, 6, 7].map((n) => `gad7_${n}`),
      method: 'sum',
      // Spitzer et al. 2006 severity bands; warning levels are Xinyu's (docs/instruments.md).
      bands: [
        { code: 'none', min: 0, level: 'none', label: { 'zh-CN': '无或极轻微', 'en-US': 'None–minimal' } },
        { code: 'mild', min: 5, level: 'none', label: { 'zh-CN': '轻度', 'en-US': 'Mild' } },
        { code: 'moderate', min: 10, level: 'yellow', label: { 'zh-CN': '中度', 'en-US': 'Moderate' } },
        { code: 'severe', min: 15, level: 'orange', label: { 'zh-CN': '重度', 'en-US': 'Severe' } },
      ],
    },
  ],
  // Xinyu's data-quality rule, not part of the published instrument: under about 2 s an item is not read
  validity: { minSeconds: 15 },
};
