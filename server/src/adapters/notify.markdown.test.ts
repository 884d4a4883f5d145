// A robot's markdown message carries words from people and devices (a corrective action's finding, a
// reason, a device's own detail text): they must not become a link, an image or HTML in the chat
// group that receives the alarm (a phishing link "from Vigil"), in DingTalk's, WeCom's or the text format.
import { describe, expect, it } from 'vitest';
import { robotMessage } from './notify.formats.ts';

const hostile =
  'door wedge [Confirm your login](http://evil.example/p) ![x](http://evil.example/i.png) <font color="info">all clear</font> <a href="http://evil.example">ok</a>';

describe('markdown robot messages with words from people and devices', () => {
  it.each(['dingtalk', 'wecom'] as const)('%s: no link, image or HTML tag survives, the words stay readable', (channel) => {
    const body = JSON.parse(robotMessage(channel, 'markdown', 'Vigil: corrective action overdue [x](http://evil.example)', [hostile])) as {
      markdown: { text?: string; content?: string };
    };
    const text = body.markdown.text ?? body.markdown.content ?? '';
    expect(text).not.toMatch(/\]\(|<font|<a /);
    expect(text).toContain('Confirm your login');
    expect(text).toContain('all clear');
  });

  it('the text format is sent as written (robots show it literally)', () => {
    const body = JSON.parse(robotMessage('dingtalk', 'text', 'Vigil', [hostile])) as { text: { content: string } };
    expect(body.text.content).toContain(hostile);
  });
});
