/** @module gpu-worker/tokenizer/chat-template.test — exact template output and error messages. */
import { describe, expect, it } from 'vitest';
import { CHATML_TEMPLATE, PLAIN_ROLE_TEMPLATE, compileChatTemplate, renderChatTemplate, type ChatMessage } from './chat-template';

const conversation: ChatMessage[] = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: 'Hi!\nHow are you?' },
];

describe('CHATML_TEMPLATE', () => {
  it('renders each message as <|im_start|>role, newline, content, <|im_end|>, newline', () => {
    expect(renderChatTemplate(CHATML_TEMPLATE, conversation, { addGenerationPrompt: false })).toBe(
      '<|im_start|>system\nYou are terse.<|im_end|>\n<|im_start|>user\nHi!\nHow are you?<|im_end|>\n',
    );
  });

  it('opens an assistant turn when a generation prompt is asked for', () => {
    expect(renderChatTemplate(CHATML_TEMPLATE, conversation, { addGenerationPrompt: true })).toBe(
      '<|im_start|>system\nYou are terse.<|im_end|>\n<|im_start|>user\nHi!\nHow are you?<|im_end|>\n<|im_start|>assistant\n',
    );
  });
});

describe('PLAIN_ROLE_TEMPLATE', () => {
  it('writes BOS, then role: content lines, then an assistant prompt', () => {
    expect(renderChatTemplate(PLAIN_ROLE_TEMPLATE, conversation, { addGenerationPrompt: true, bosToken: '<s>' })).toBe(
      '<s>system: You are terse.\nuser: Hi!\nHow are you?\nassistant: ',
    );
    expect(renderChatTemplate(PLAIN_ROLE_TEMPLATE, conversation.slice(1), { addGenerationPrompt: false })).toBe('user: Hi!\nHow are you?\n');
  });
});

describe('renderChatTemplate', () => {
  it('passes bos_token and eos_token to the template', () => {
    const template = '{{ bos_token }}{% for m in messages %}[{{ m.content }}]{{ eos_token }}{% endfor %}';
    expect(renderChatTemplate(template, conversation, { addGenerationPrompt: false, bosToken: '<B>', eosToken: '<E>' })).toBe(
      '<B>[You are terse.]<E>[Hi!\nHow are you?]<E>',
    );
  });

  it('says the template could not be parsed when its syntax is broken', () => {
    expect(() => renderChatTemplate('{% for message in %}x{% endfor %}', conversation, { addGenerationPrompt: false })).toThrow(
      /^chat template could not be parsed: /,
    );
  });

  it('says the template failed to render, with the message of its raise_exception', () => {
    const template = "{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}";
    expect(() => renderChatTemplate(template, conversation, { addGenerationPrompt: false })).toThrow(
      /^chat template failed to render: .*System role not supported/,
    );
  });
});

describe('compileChatTemplate', () => {
  it('renders many conversations from one parse', () => {
    const render = compileChatTemplate(CHATML_TEMPLATE);
    expect(render([{ role: 'user', content: 'a' }], { addGenerationPrompt: false })).toBe('<|im_start|>user\na<|im_end|>\n');
    expect(render([{ role: 'assistant', content: 'b' }], { addGenerationPrompt: false })).toBe('<|im_start|>assistant\nb<|im_end|>\n');
  });
});
