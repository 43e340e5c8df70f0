/**
 * CES-DC, the Center for Epidemiological Studies Depression Scale for Children (Weissman,
 * Orvaschel & Padian 1980), 20 items for ages 6–17. Items 4, 8, 12 and 16 are worded positively and
 * scored in reverse; a total over 15 suggests significant depressive symptoms (Weissman et al.).
 * The Chinese wording is Xinyu's own translation (see docs/instruments.md).
 */
import type { AnswerOption, InstrumentDefinition } from '../definition.js';

const OPTIONS: AnswerOption[] = [
  { value: '0', score: 0, label: { 'zh-CN': '没有', 'en-US': 'Not at all' } },
  { value: '1', score: 1, label: { 'zh-CN': '有一点', 'en-US': 'A little' } },
  { value: '2', score: 2, label: { 'zh-CN': '有一些', 'en-US': 'Some' } },
  { value: '3', score: 3, label: { 'zh-CN': '很多', 'en-US': 'A lot' } },
];

const TEXTS: [string, string][] = [
  ['一些平常不会让我烦恼的事情让我感到烦恼。', "I was bothered by things that usually don't bother me."],
  ['我不想吃东西，不怎么觉得饿。', "I did not feel like eating, I wasn't very hungry."],
  ['即使家人或朋友想让我开心起来，我也高兴不起来。', "I wasn't able to feel happy, even when my family or friends tried to help me feel better."],
  ['我觉得我和其他孩子一样好。', 'I felt like I was just as good as other kids.'],
  ['我觉得我没法专心做正在做的事。', "I felt like I couldn't pay attention to what I was doing."],
  ['我感到情绪低落、不开心。', 'I felt down and unhappy.'],
  ['我觉得自己太累了，什么事都做不了。', 'I felt like I was too tired to do things.'],
  ['我觉得会有好事发生。', 'I felt like something good was going to happen.'],
  ['我觉得以前做过的事情都没有做好。', "I felt like things I did before didn't work out right."],
  ['我感到害怕。', 'I felt scared.'],
  ['我睡得没有平时好。', "I didn't sleep as well as I usually sleep."],
  ['我很开心。', 'I was happy.'],
  ['我比平时更沉默。', 'I was more quiet than usual.'],
  ['我感到孤单，好像没有任何朋友。', "I felt lonely, like I didn't have any friends."],
  ['我觉得认识的小伙伴对我不友好，或者不想和我在一起。', "I felt like kids I know were not friendly or that they didn't want to be with me."],
  ['我过得很愉快。', 'I had a good time.'],
  ['我想哭。', 'I felt like crying.'],
  ['我感到难过。', 'I felt sad.'],
  ['我觉得别人不喜欢我。', "I felt people didn't like me."],
  ['我很难开始做事情。', 'It was hard to get started doing things.'],
];

export const CES_DC: InstrumentDefinition = {
  id: 'ces-dc',
  version: '1.0.0',
  title: { 'zh-CN': '流调中心儿童抑郁量表（CES-DC）', 'en-US': 'Center for Epidemiological Studies Depression Scale for Children (CES-DC)' },
  description: {
    'zh-CN': '20 个条目的儿童青少年抑郁症状筛查量表，总分 0–60，第 4、8、12、16 题反向计分。筛查结果，非诊断。',
    'en-US': 'A 20-item screen for depressive symptoms in children and adolescents, total 0–60; items 4, 8, 12 and 16 are reverse-scored. A screening result, not a diagnosis.',
  },
  instructions: {
    'zh-CN': '下面是一些你可能有过的感受或做过的事。请选出在过去一周里，每一种情况在你身上出现的多少。',
    'en-US': 'Below is a list of the ways you might have felt or acted. Please tell how much you have felt this way during the past week.',
  },
  licence: {
    text: {
      'zh-CN': 'Weissman MM, Orvaschel H, Padian N. J Nerv Ment Dis 1980;168(12):736–740。由美国国立精神卫生研究所（NIMH）流调中心抑郁量表改编，作为公有领域量表被广泛转载（如 Bright Futures 心理健康工具包），使用无需许可。中文措辞为心育平台自译，未经单独的信效度验证。',
      'en-US': "Weissman MM, Orvaschel H, Padian N. J Nerv Ment Dis 1980;168(12):736–740. Adapted from the NIMH Center for Epidemiologic Studies Depression Scale and widely reproduced as a public-domain instrument (e.g. the Bright Futures mental-health toolkit); no permission needed. The Chinese wording is Xinyu's own translation and has not been separately validated.",
    },
  },
  audience: { gradeLevels: [4, 5, 6, 7, 8, 9], minAge: 6, maxAge: 17 },
  items: TEXTS.map(([zh, en], i) => ({ id: `cesdc_${i + 1}`, text: { 'zh-CN': zh, 'en-US': en }, options: OPTIONS })),
  scales: [
    {
      id: 'total',
      name: { 'zh-CN': '总分', 'en-US': 'Total score' },
      items: TEXTS.map((_, i) => `cesdc_${i + 1}`),
      method: 'sum',
      reverse: { items: ['cesdc_4', 'cesdc_8', 'cesdc_12', 'cesdc_16'], min: 0, max: 3 },
      // Weissman et al.: scores over 15 suggest significant depressive symptoms.
      bands: [
        { code: 'below_cutoff', min: 0, level: 'none', label: { 'zh-CN': '未达筛查界值', 'en-US': 'Below the cut-off' } },
        { code: 'above_cutoff', min: 16, level: 'yellow', label: { 'zh-CN': '高于筛查界值（>15）', 'en-US': 'Above the cut-off (>15)' } },
      ],
    },
  ],
  // Xinyu's data-quality rule, not part of the published instrument: under about 2 s an item is not read
  validity: { minSeconds: 40 },
};
